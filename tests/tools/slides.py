"""Give every notebook slide metadata, so an instructor can present it with RISE.

    python tests/tools/slides.py                 # every notebooks/*.ipynb, in place
    python tests/tools/slides.py NB.ipynb ...    # just these
    python tests/tools/slides.py --check         # exit 1 naming each notebook that differs

The rule, one slide per section of the lecture (cells never move; only metadata changes):

* a markdown cell that starts with a ``#`` or ``##`` heading, and the first cell, start a slide
  (``slide_type: "slide"``);
* a markdown cell that starts with a ``###`` heading starts a sub-slide (``"subslide"``);
* every other cell -- code, figures, widgets, the text around them -- continues the slide it
  follows (``"-"``), so a slider and its figure stay on the slide of their heading.

The notebook's ``metadata.rise`` gets ``scroll: true`` (a section longer than the screen scrolls
instead of being cut off).  Running it again changes nothing; only ``slideshow`` and ``rise``
metadata are written, with the same JSON layout as nbformat (and tests/tools/refresh_notebooks.py).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]
RISE = {"scroll": True}


def slide_type(cell: dict, first: bool) -> str:
    """The ``slideshow.slide_type`` the rule gives ``cell``."""
    if first:
        return "slide"
    if cell.get("cell_type") != "markdown":
        return "-"
    source = cell.get("source", "")
    source = "".join(source) if isinstance(source, list) else source
    line = source.lstrip().split("\n", 1)[0]
    if line.startswith(("# ", "## ")):
        return "slide"
    if line.startswith("### "):
        return "subslide"
    return "-"


def apply(nb) -> bool:
    """Set the rule's metadata on ``nb`` (an nbformat notebook); True if anything changed."""
    changed = False
    for i, cell in enumerate(nb.cells):
        want = slide_type(cell, first=i == 0)
        show = cell.metadata.setdefault("slideshow", {})
        if show.get("slide_type") != want:
            show["slide_type"] = want
            changed = True
    rise = nb.metadata.setdefault("rise", {})
    for key, value in RISE.items():
        if rise.get(key) != value:
            rise[key] = value
            changed = True
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="notebooks to change (default: notebooks/*.ipynb)")
    parser.add_argument("--check", action="store_true",
                        help="change nothing; exit 1 if a notebook lacks the rule's metadata")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("*.ipynb"))
    if not paths:
        parser.error("no notebooks found")
    stale = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        if apply(nb):
            stale.append(path)
            if not args.check:
                nbformat.write(nb, path)
    verb = "lack slide metadata (run python tests/tools/slides.py)" if args.check else "updated"
    for path in stale:
        print(f"{path}: {verb}")
    if not stale:
        print(f"{len(paths)} notebook(s) already carry slide metadata")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
