"""Write the README's Binder, JupyterLite and JupyterHub links from the one repository URL.

    python tests/tools/links.py            # rewrite README.md from pyproject.toml
    python tests/tools/links.py --check    # exit 1 (saying what) if README.md is out of date

The repository's address lives in one place, ``[project.urls] Repository`` in pyproject.toml (a
GitHub URL, ``https://github.com/OWNER/REPO``).  From it this writes, between marker comments in
README.md:

* ``links``: a Binder badge (JupyterLab on ``notebooks/00_start_here.ipynb``, built from
  ``binder/``) and a JupyterLite badge (the static site of ``tests/tools/build_lite.py``, published
  at the repository's GitHub Pages address ``https://OWNER.github.io/REPO/``);
* ``hub``: the ``pip install`` line a JupyterHub image needs and an nbgitpuller link template
  (``HUB`` stands for the hub's address, which only the instructor knows).

With no Repository set, the ``links`` block is empty (no badge that leads nowhere) and the ``hub``
block shows the template with ``OWNER/REPO`` and says how to fill it in.  Running it twice changes
nothing.  Text outside the markers is never touched.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

if sys.version_info >= (3, 11):
    import tomllib
else:  # pytest needs tomli on 3.10, so it is there wherever the tests run
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[2]
START_NOTEBOOK = "00_start_here.ipynb"
BRANCH = "main"
BLOCKS = ("links", "hub")
_GITHUB = re.compile(r"^https://github\.com/([A-Za-z0-9][A-Za-z0-9-]*)/([A-Za-z0-9._-]+?)"
                     r"(?:\.git)?/?$")
_PLACEHOLDERS = {"lecture5/lecture5", "OWNER/REPO"}  # the old placeholder and the template's


@dataclass(frozen=True)
class Repo:
    owner: str
    name: str

    @property
    def url(self) -> str:
        return f"https://github.com/{self.owner}/{self.name}"


def repository(pyproject: Path) -> Repo | None:
    """The GitHub repository named by ``[project.urls] Repository``, or None when it is unset.

    The old placeholder ``https://github.com/lecture5/lecture5`` counts as unset.
    """
    config = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    url = (config.get("project", {}).get("urls", {}) or {}).get("Repository", "").strip()
    if not url:
        return None
    match = _GITHUB.match(url)
    if match is None:
        raise ValueError(f"[project.urls] Repository in {pyproject} must look like "
                         f"https://github.com/OWNER/REPO (Binder and GitHub Pages need GitHub), "
                         f"got {url!r}")
    repo = Repo(*match.groups())
    return None if f"{repo.owner}/{repo.name}" in _PLACEHOLDERS else repo


def binder_url(repo: Repo) -> str:
    path = quote(f"notebooks/{START_NOTEBOOK}", safe="")
    return f"https://mybinder.org/v2/gh/{repo.owner}/{repo.name}/HEAD?labpath={path}"


def lite_url(repo: Repo) -> str:
    return (f"https://{repo.owner.lower()}.github.io/{repo.name}/lab/index.html"
            f"?path={START_NOTEBOOK}")


def nbgitpuller_url(repo: Repo, hub: str = "https://HUB") -> str:
    """nbgitpuller's link: the hub clones (or updates) the repository, then opens the notebook."""
    query = urlencode({"repo": repo.url, "branch": BRANCH,
                       "urlpath": f"lab/tree/{repo.name}/notebooks/{START_NOTEBOOK}"})
    return f"{hub}/hub/user-redirect/git-pull?{query}"


def pip_line(repo: Repo) -> str:
    return f'pip install "lecture5 @ git+{repo.url}@{BRANCH}"'


def blocks(repo: Repo | None) -> dict[str, str]:
    """The text of each marked README block for ``repo`` (None: no repository set)."""
    if repo is None:
        links = ""
        shown = Repo("OWNER", "REPO")
        note = ("Set `[project.urls] Repository` in `pyproject.toml` to your repository's GitHub "
                "URL and run `python tests/tools/links.py` to fill in `OWNER/REPO` below.\n\n")
    else:
        links = (f"[![Binder](https://mybinder.org/badge_logo.svg)]({binder_url(repo)})\n"
                 f"[![JupyterLite](https://jupyterlite.rtfd.io/en/latest/_static/badge.svg)]"
                 f"({lite_url(repo)})\n")
        shown, note = repo, ""
    hub = (f"{note}The hub image (its `requirements.txt` or Dockerfile) needs one line:\n\n"
           f"```bash\n{pip_line(shown)}\n```\n\n"
           f"The link to hand out, with `HUB` replaced by your hub's address (nbgitpuller must be "
           f"installed on the hub):\n\n```text\n{nbgitpuller_url(shown)}\n```\n")
    return {"links": links, "hub": hub}


def _markers(name: str) -> tuple[str, str]:
    start = f"<!-- {name}: made by `python tests/tools/links.py`; edit pyproject.toml, not this -->"
    return start, f"<!-- /{name} -->"


def render(readme_text: str, repo: Repo | None) -> str:
    """``readme_text`` with every marked block replaced; fails naming a missing marker."""
    text = readme_text
    for name, body in blocks(repo).items():
        start, end = _markers(name)
        pattern = re.compile(re.escape(start) + r"\n.*?" + re.escape(end), re.DOTALL)
        if len(pattern.findall(text)) != 1:
            raise ValueError(f"README must hold exactly one block\n{start}\n...\n{end}\n"
                             f"(found {len(pattern.findall(text))})")
        text = pattern.sub(lambda _m, s=start, b=body, e=end: f"{s}\n{b}{e}", text)
    return text


def main(argv: list[str] | None = None, root: Path = ROOT) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="do not write; exit 1 if README.md is not what it would write")
    args = parser.parse_args(argv)
    readme = root / "README.md"
    old = readme.read_text(encoding="utf-8")
    repo = repository(root / "pyproject.toml")
    new = render(old, repo)
    where = repo.url if repo else "no repository set"
    if args.check:
        if new != old:
            print(f"README.md links are out of date ({where}): run python tests/tools/links.py")
            return 1
        return 0
    if new != old:
        readme.write_text(new, encoding="utf-8")
        print(f"README.md links written ({where})")
    else:
        print(f"README.md links already up to date ({where})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
