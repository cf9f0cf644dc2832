"""The public Python API: docs/api.md lists exactly these names, they exist, and its examples run.

PUBLIC is the table of what the tracker promises to importers. A name added to it must be
documented, a name documented must be in it and exist, a documented signature must be the
code's, and every example of the page runs against a copy of the bundled project.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass
from enum import Enum
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest

from .conftest import REPO, copy_bundled

API = REPO / "docs" / "api.md"

FUNCTION, METHOD, CLASS, EXCEPTION, ENUM, CONSTANT = (
    "function",
    "method",
    "class",
    "exception",
    "enum",
    "constant",
)

PUBLIC: dict[str, dict[str, str]] = {
    "tracker": {"__version__": CONSTANT},
    "tracker.project": {
        "open_project": FUNCTION,
        "load_project": FUNCTION,
        "Project": CLASS,
        "Project.claims": METHOD,
    },
    "tracker.config": {"Config": CLASS, "ProjectError": EXCEPTION},
    "tracker.extract": {"extract": FUNCTION, "Extraction": CLASS},
    "tracker.readers": {"ReaderError": EXCEPTION},
    "tracker.graph": {
        "build_graph": FUNCTION,
        "uncited_claims": FUNCTION,
        "unused_sources": FUNCTION,
        "single_source_claims": FUNCTION,
        "claims_supported_by": FUNCTION,
        "sources_of": FUNCTION,
        "dependants": FUNCTION,
        "export": FUNCTION,
    },
    "tracker.checks.registry": {
        "run_checks": FUNCTION,
        "CHECKS": CONSTANT,
        "DOCUMENT_CHECKS": CONSTANT,
    },
    "tracker.checks.base": {"Audit": CLASS},
    "tracker.model": {
        "Claim": CLASS,
        "Span": CLASS,
        "Citation": CLASS,
        "Review": CLASS,
        "KINDS": CONSTANT,
        "VERDICTS": CONSTANT,
        "DocumentInfo": CLASS,
        "Register": CLASS,
        "Source": CLASS,
        "Bibliography": CLASS,
        "Problem": CLASS,
        "Severity": ENUM,
        "Finding": CLASS,
    },
    "tracker.outputs": {
        "findings_text": FUNCTION,
        "findings_json": FUNCTION,
        "extraction_dict": FUNCTION,
        "ExitStatus": ENUM,
    },
    "tracker.integrations": {
        "findings_sarif": FUNCTION,
        "findings_github": FUNCTION,
        "findings_junit": FUNCTION,
    },
    "tracker.bibliography": {"load_bibliography": FUNCTION, "parse_bibliography": FUNCTION},
    "tracker.register": {
        "load_register": FUNCTION,
        "merge_register": FUNCTION,
        "MergeResult": CLASS,
        "RegisterError": EXCEPTION,
    },
    "tracker.retractions": {"load_retractions": FUNCTION, "Retractions": CLASS},
}
TABLE = [(module, name, kind) for module, names in PUBLIC.items() for name, kind in names.items()]

MODULE_HEADING = re.compile(r"## `(tracker[\w.]*)`")
# `name`, `name(parameters)` or `name(parameters) -> returned`
NAME_HEADING = re.compile(r"### `(?P<name>[\w.]+)(?P<params>\(.*\))?(?: -> [^`]+)?`")
CODE_BLOCK = re.compile(r"^```python\n(.*?)^```$", re.M | re.S)


@dataclass(frozen=True)
class Entry:
    """One name docs/api.md lists: its module, its name, its parameters as written."""

    module: str
    name: str
    params: str | None
    line: int
    example: bool  # whether a Python example follows it before the next heading


def parse_api(text: str) -> list[Entry]:
    """Return the names listed under the page's `tracker...` module headings, in order."""
    entries: list[Entry] = []
    module: str | None = None
    lines = text.splitlines()
    for number, line in enumerate(lines, 1):
        if line.startswith("## "):
            found = MODULE_HEADING.fullmatch(line)
            module = found[1] if found else None
        elif line.startswith("### `"):
            heading = NAME_HEADING.fullmatch(line)
            assert module and heading, f"docs/api.md:{number}: {line!r} lists no public name"
            body = "\n".join(_until_next_heading(lines[number:]))
            params = heading["params"]
            entries.append(Entry(module, heading["name"], params, number, "```python" in body))
    return entries


def _until_next_heading(lines: list[str]) -> list[str]:
    ends = [i for i, line in enumerate(lines) if line.startswith("#")]
    return lines[: ends[0]] if ends else lines


def examples_by_section(text: str) -> dict[str, list[tuple[int, str]]]:
    """Return each `## ` section's Python blocks, with the line each starts on."""
    sections: dict[str, list[tuple[int, str]]] = {}
    headings = list(re.finditer(r"^## (.+)$", text, re.M))
    ends = [heading.start() for heading in headings[1:]] + [len(text)]
    for heading, end in zip(headings, ends, strict=True):
        blocks = []
        for block in CODE_BLOCK.finditer(text, heading.end(), end):
            blocks.append((text.count("\n", 0, block.start(1)) + 1, block[1]))
        if blocks:
            sections[heading[1].strip("`")] = blocks
    return sections


TEXT = API.read_text(encoding="utf-8")
ENTRIES = parse_api(TEXT)
SECTIONS = examples_by_section(TEXT)


def resolve(module: str, name: str) -> Any:
    """Import module and return the (dotted) name from it; fail saying what is missing."""
    value: Any = import_module(module)
    for part in name.split("."):
        assert hasattr(value, part), f"{module} has no {name}"
        value = getattr(value, part)
    return value


def is_kind(value: Any, kind: str) -> bool:
    if kind in (FUNCTION, METHOD):
        return inspect.isfunction(value)
    if kind == CONSTANT:
        return not callable(value)
    if not inspect.isclass(value):
        return False
    return {EXCEPTION: Exception, ENUM: Enum}.get(kind, object) in value.__mro__


def shape(signature: inspect.Signature, skip: int = 0) -> list[tuple[str, Any, bool]]:
    """Return each public parameter's name, kind and whether it has a default."""
    params = list(signature.parameters.values())[skip:]
    return [
        (p.name, p.kind, p.default is not p.empty) for p in params if not p.name.startswith("_")
    ]


def documented_shape(params: str) -> list[tuple[str, Any, bool]]:
    namespace: dict[str, Any] = {}
    exec(f"def documented{params}: pass", namespace)  # the page's own text, not user input
    return shape(inspect.signature(namespace["documented"]))


@pytest.mark.parametrize(("module", "name", "kind"), TABLE, ids=[f"{m}.{n}" for m, n, _ in TABLE])
def test_every_public_name_exists_and_is_what_the_table_says(
    module: str, name: str, kind: str
) -> None:
    assert is_kind(resolve(module, name), kind), f"{module}.{name} is not a {kind}"


def test_the_page_lists_exactly_the_public_names() -> None:
    listed = [(e.module, e.name) for e in ENTRIES]
    assert len(listed) == len(set(listed)), "a name is listed twice"
    table = {(module, name) for module, name, _ in TABLE}
    assert not set(listed) - table, f"listed but not in PUBLIC: {sorted(set(listed) - table)}"
    assert not table - set(listed), f"public but not in docs/api.md: {sorted(table - set(listed))}"


@pytest.mark.parametrize("entry", ENTRIES, ids=[f"{e.module}.{e.name}" for e in ENTRIES])
def test_every_listed_name_exists_with_its_documented_signature(entry: Entry) -> None:
    value = resolve(entry.module, entry.name)
    kind = PUBLIC.get(entry.module, {}).get(entry.name)
    if kind in (FUNCTION, METHOD):
        assert entry.params, f"docs/api.md:{entry.line}: give {entry.name}'s parameters"
    if entry.params is None:
        return
    code = shape(inspect.signature(value), skip=1 if kind == METHOD else 0)
    assert documented_shape(entry.params) == code, f"docs/api.md:{entry.line}"


@pytest.mark.parametrize("entry", ENTRIES, ids=[f"{e.module}.{e.name}" for e in ENTRIES])
def test_every_listed_name_has_an_example(entry: Entry) -> None:
    assert entry.example, f"docs/api.md:{entry.line}: {entry.name} has no example"


def test_the_page_names_what_is_not_public() -> None:
    for private in ("tracker.commands", "tracker.cache", "underscore", "semantic"):
        assert private in TEXT, private
    assert not {"tracker.commands", "tracker.cache", "tracker.cli"} & set(PUBLIC)


@pytest.fixture
def bundled_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Copy the bundled project into tmp_path and make it the current folder."""
    copy_bundled(tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("section", list(SECTIONS))
def test_the_examples_run(section: str, bundled_copy: Path) -> None:
    namespace: dict[str, Any] = {"__name__": "docs_api_example"}
    for line, code in SECTIONS[section]:
        # Padded so that a traceback gives the example's line in docs/api.md.
        exec(compile("\n" * (line - 1) + code, str(API), "exec"), namespace)


def test_the_readme_imports_only_public_names() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    imports = re.findall(r"^from (tracker[\w.]*) import (.+)$", readme, re.M)
    for module, names in imports:
        for name in names.split(", "):
            assert name in PUBLIC.get(module, {}), f"the README imports {module}.{name}"
