"""tests/tools/links.py: the README's Binder, JupyterLite and JupyterHub lines come from the one
repository URL in pyproject.toml, and no badge shows until that URL is set.

Every test works on a temporary copy of README.md and pyproject.toml.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("links", ROOT / "tests" / "tools" / "links.py")
links = importlib.util.module_from_spec(_spec)
sys.modules["links"] = links  # dataclasses look their module up there
_spec.loader.exec_module(links)


@pytest.fixture
def repo_copy(tmp_path) -> Path:
    for name in ("README.md", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path


def _set_url(root: Path, url: str | None) -> None:
    """Set (or, with None, unset) ``[project.urls] Repository`` in the copy's pyproject.toml."""
    path = root / "pyproject.toml"
    text = re.sub(r"(?m)^#? ?Repository = .*\n", "", path.read_text())
    if url is not None:
        text = text.replace("[project.urls]\n", f'[project.urls]\nRepository = "{url}"\n')
    assert "[project.urls]\n" in text
    path.write_text(text)


def _urls(text: str) -> list[str]:
    return re.findall(r"https?://[^\s)\"'`<>]+", text)


def test_the_readme_is_what_links_py_writes():
    """README.md in the repository is up to date with pyproject.toml."""
    assert links.main(["--check"], root=ROOT) == 0


@pytest.mark.parametrize("url", [None, "https://github.com/lecture5/lecture5"])
def test_without_a_repository_no_badge_and_no_link_to_a_placeholder(repo_copy, url, capsys):
    _set_url(repo_copy, url)
    assert links.main([], root=repo_copy) == 0
    text = (repo_copy / "README.md").read_text()
    assert "mybinder.org" not in text and "github.io" not in text
    assert "lecture5/lecture5" not in text
    hub = text.split("<!-- hub:")[1].split("<!-- /hub -->")[0]
    assert "OWNER/REPO" in hub and "Set `[project.urls] Repository`" in hub


def test_a_repository_url_gives_every_link(repo_copy, capsys):
    _set_url(repo_copy, "https://github.com/Some-Uni/dl-lecture5.git")
    assert links.main(["--check"], root=repo_copy) == 1
    assert "out of date" in capsys.readouterr().out
    assert links.main([], root=repo_copy) == 0
    text = (repo_copy / "README.md").read_text()
    urls = _urls(text)

    binder = [u for u in urls if u.startswith("https://mybinder.org/v2/")]
    assert binder == ["https://mybinder.org/v2/gh/Some-Uni/dl-lecture5/HEAD"
                      "?labpath=notebooks%2F00_start_here.ipynb"]
    lite = [u for u in urls if ".github.io/" in u]
    assert lite == ["https://some-uni.github.io/dl-lecture5/lab/index.html"
                    "?path=00_start_here.ipynb"]
    pull = [u for u in urls if "git-pull" in u]
    assert len(pull) == 1 and pull[0].startswith("https://HUB/hub/user-redirect/git-pull?")
    query = {k: v[0] for k, v in parse_qs(urlsplit(pull[0]).query).items()}
    assert query == {"repo": "https://github.com/Some-Uni/dl-lecture5", "branch": "main",
                     "urlpath": "lab/tree/dl-lecture5/notebooks/00_start_here.ipynb"}
    assert 'pip install "lecture5 @ git+https://github.com/Some-Uni/dl-lecture5@main"' in text
    assert "OWNER" not in text
    # each notebook the links open exists
    assert (ROOT / "notebooks" / "00_start_here.ipynb").is_file()

    # idempotent, and text outside the markers is untouched
    assert links.main(["--check"], root=repo_copy) == 0
    outside = re.compile(r"<!-- (links|hub):.*?<!-- /\1 -->", re.DOTALL)
    original = (ROOT / "README.md").read_text()
    assert outside.sub("", text) == outside.sub("", original)

    # unsetting it again removes the badges
    _set_url(repo_copy, None)
    links.main([], root=repo_copy)
    assert "mybinder.org" not in (repo_copy / "README.md").read_text()


@pytest.mark.parametrize("url", ["https://gitlab.com/a/b", "github.com/a/b",
                                 "https://github.com/a", "https://github.com/a/b/tree/main"])
def test_a_url_that_is_not_a_github_repository_is_refused(repo_copy, url):
    _set_url(repo_copy, url)
    before = (repo_copy / "README.md").read_text()
    with pytest.raises(ValueError, match=r"https://github.com/OWNER/REPO.*got"):
        links.main([], root=repo_copy)
    assert (repo_copy / "README.md").read_text() == before


def test_a_readme_without_the_markers_is_refused(repo_copy):
    readme = repo_copy / "README.md"
    readme.write_text(readme.read_text().replace("<!-- /hub -->", ""))
    with pytest.raises(ValueError, match="exactly one block"):
        links.main([], root=repo_copy)
