"""The README stays short and self-contained, and every relative link in the docs leads somewhere."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
# What a reader of the README cannot open: files of the project's private design notes, other checkouts.
OUTSIDE = re.compile(r"\.\./|sinch-reference\.md|/work/|shared/design|shared/spec")


def headings(path: Path) -> set[str]:
    """GitHub's anchors for a Markdown file's headings."""
    found = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") and not line.startswith("#!"):
            title = line.lstrip("#").strip().lower()
            found.add(re.sub(r"[^\w\- ]", "", title).replace(" ", "-"))
    return found


def links(path: Path) -> list[str]:
    text = re.sub(r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.S)  # not inside examples
    return [target for target in LINK.findall(text) if not re.match(r"[a-z]+:", target)]


def test_readme_is_short():
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) < 200, f"README.md has {len(lines)} lines; move reference material into docs/"


def test_readme_keeps_the_two_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "pip install . && sinchvoice demo" in text
    assert 'pip install ".[test]" && python -m pytest' in text


def test_readme_cites_no_file_outside_the_repository():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert OUTSIDE.findall(text) == []


@pytest.mark.parametrize("path", DOCS, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_relative_link_points_to_a_file_that_exists(path):
    for target in links(path):
        file, _, anchor = target.partition("#")
        destination = (path.parent / file).resolve() if file else path
        assert destination.exists(), f"{path.name}: link to {target}: no such file"
        assert ROOT in destination.parents or destination == ROOT, f"{path.name}: {target} leaves the repository"
        if anchor and destination.suffix == ".md":
            assert anchor in headings(destination), f"{path.name}: link to {target}: no such heading"


def test_the_link_checks_can_fail(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("# Title\n\nSee [a](missing.md), [b](#title), [c](https://example.com/x) and\n"
                    "```sh\n[d](not-checked.md)\n```\n")
    assert links(page) == ["missing.md", "#title"]
    assert "title" in headings(page)
    assert OUTSIDE.search("see ../shared/design/cli.md")
