"""The README stays true to the code (every check code and exit code is documented), and
every citation of docs/ in the repository names a document and a section that exist."""

from __future__ import annotations

import re
from pathlib import Path

from repo import ROOT, repo_files

from remediate.checks import CHECKS
from remediate.errors import EXIT_CODES

README = (Path(__file__).resolve().parent.parent / "README.md").read_text("utf-8")


def test_every_check_code_is_in_the_readme() -> None:
    missing = [code for code in CHECKS if f"`{code}`" not in README]
    assert missing == []


def test_every_exit_code_is_in_the_readme() -> None:
    missing = [code for code in EXIT_CODES if f"| {code} |" not in README]
    assert missing == []


def test_readme_gives_the_two_commands_near_the_top() -> None:
    top = README[:1500]
    assert "make demo" in top and "make test" in top


# --- citations of docs/ ------------------------------------------------------------------

#: Spelled in parts so this file cites no document itself.
_DOCS = "docs" + "/"
#: ``docs/NAME.md`` and the like: how docs/README.md says citations are spelled.
PLACEHOLDERS = frozenset({"NAME"})
#: One section number, or a run of them: ``§8.2``, ``§2–§5, §12, §13``.
_SECTIONS = r"§\s?[0-9][0-9.]*(?:\s*(?:–|-|,|and)\s*§\s?[0-9][0-9.]*)*"
CITATION = re.compile(
    rf"(?<![\w/.-]){_DOCS}([\w-]+)\.md"
    # a Markdown link to it ([docs/<name>.md](...)), closing quotes, then the section
    rf"(?:\]\([^)\s]*\))?[`\"')\]]*,?[ \t]*({_SECTIONS})?"
)
#: The profiles' shorthands (their header says which document each one means).
SHORTHANDS = {"ref": "metastudio-api", "qa": "audio-qa"}
SHORTHAND = re.compile(rf"\b({'|'.join(SHORTHANDS)}) ({_SECTIONS})")
MD_LINK = re.compile(r"\]\(([^)\s:#]+\.md)(?:#[^)]*)?\)")
HEADING = re.compile(r"^#{2,4}[ \t]+([0-9]+(?:\.[0-9]+)*)\.?[ \t]", re.MULTILINE)


def _tracked_texts() -> dict[str, str]:
    """Every file in the repository (tracked or new, not ignored) that reads as UTF-8."""
    texts = {}
    for name in repo_files():
        path = ROOT / name
        if path.is_file() and path.suffix not in (".wav", ".parquet", ".zip"):
            try:
                texts[name] = path.read_text("utf-8")
            except UnicodeDecodeError:
                continue
    return texts


def _sections(doc: str) -> set[str]:
    """The numbered headings of a document: ``## 8. Auth`` and ``### 8.2 AK/SK`` → 8, 8.2."""
    return set(HEADING.findall((ROOT / "docs" / f"{doc}.md").read_text("utf-8")))


def doc_citation_problems(texts: dict[str, str]) -> list[str]:
    """Each citation of a missing document, or of a section its document does not number."""
    cited: list[tuple[str, str, str]] = []  # (where, document, sections or "")
    for name, text in texts.items():
        for match in CITATION.finditer(text):
            if match.group(1) not in PLACEHOLDERS:
                cited.append((name, match.group(1), match.group(2) or ""))
        for match in SHORTHAND.finditer(text):
            cited.append((name, SHORTHANDS[match.group(1)], match.group(2)))
    problems = []
    for where, doc, sections in cited:
        if not (ROOT / "docs" / f"{doc}.md").is_file():
            problems.append(f"{where}: {_DOCS}{doc}.md does not exist")
            continue
        missing = set(re.findall(r"§\s?([0-9]+(?:\.[0-9]+)*)", sections)) - _sections(doc)
        problems += [f"{where}: {_DOCS}{doc}.md has no section §{n}" for n in sorted(missing)]
    return problems


def md_link_problems(texts: dict[str, str]) -> list[str]:
    """Each relative Markdown link to a ``.md`` file that does not resolve from its file."""
    return [
        f"{name}: link to {target} does not resolve"
        for name, text in texts.items()
        if name.endswith(".md")
        for target in MD_LINK.findall(text)
        if not ((ROOT / name).parent / target).is_file()
    ]


def test_every_cited_doc_and_section_exists() -> None:
    """``docs/<name>.md`` (and ``docs/<name>.md §N``, and the profiles' ``ref §N`` /
    ``qa §N``) anywhere in the repository names a file in docs/ and a numbered section of it."""
    texts = _tracked_texts()
    assert sum(len(CITATION.findall(text)) for text in texts.values()) > 50
    assert doc_citation_problems(texts) == []


def test_markdown_links_to_docs_resolve() -> None:
    assert md_link_problems(_tracked_texts()) == []


def test_a_bogus_citation_is_caught() -> None:
    """The checks above can fail: a missing file, a missing section, a broken link."""
    texts = {
        "remediate/x.py": f"see {_DOCS}no-such-doc.md and {_DOCS}metastudio-api.md §99",
        "remediate/profiles/x.toml": "x = 1  # ref §11, qa " + "§42",
        "README.md": f"[api]({_DOCS}metastudio-api.md) §3, [gone]({_DOCS}gone.md)",
    }
    assert doc_citation_problems(texts) == [
        f"remediate/x.py: {_DOCS}no-such-doc.md does not exist",
        f"remediate/x.py: {_DOCS}metastudio-api.md has no section §99",
        f"remediate/profiles/x.toml: {_DOCS}audio-qa.md has no section §42",
        f"README.md: {_DOCS}gone.md does not exist",
    ]
    assert md_link_problems(texts) == [f"README.md: link to {_DOCS}gone.md does not resolve"]
