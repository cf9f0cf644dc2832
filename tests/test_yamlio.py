"""Every YAML loader goes through one guard, which refuses hostile YAML fast and says where.

A 75-byte register of nested mapping keys once kept ruamel's round-trip constructor busy for
hours (and the suite with it); ten thousand nested brackets made libyaml's composer overflow
its stack and end the process. Each hostile input here goes through every loader of the
tracker, and each must give a located problem, never a hang or a crash; the shapes of
bench/shapes.py must load in time proportional to their size.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

import pytest
from click.testing import CliRunner

from bench.shapes import SHAPES
from tracker import yamlio
from tracker.app.views import claim_history
from tracker.checks.claims.stale_review import _earlier_wordings
from tracker.cli import cli
from tracker.decisions import read_approval
from tracker.matrix import load_tree
from tracker.model import DocumentInfo, Register, Review
from tracker.register_edits import record_review_in_text
from tracker.register_merge import merge_register
from tracker.register_read import load_register, parse_register
from tracker.register_roundtrip import RegisterError
from tracker.similar import known_claims
from tracker.yamlio import YamlProblem, load_yaml

from .complexity import assert_linear
from .conftest import write_project

TRACKER = Path(__file__).resolve().parents[1] / "tracker"
HEAD = "document:\n  title: Zinc\n  path: content/page.txt\nclaims:\n"


def nested_keys(levels: int) -> str:
    """The register of issue 19: a claim whose mapping keys nest `levels` deep."""
    return "claims:\n  - " + "{" * levels + "x: 1" + "}: 1" * levels + "\n"


# name: (text, 1-based line and column of the problem, words of its message)
HOSTILE = {
    "nested mapping keys, 13 levels (21 s before)": (nested_keys(13), (2, 5), "a key here is"),
    "nested mapping keys, 20 levels (hours before)": (nested_keys(20), (2, 5), "a key here is"),
    "nested mapping keys, 200 levels": (nested_keys(200), (2, 55), "nested more than 50"),
    # Found by the property test under the CI profile: it hung the suite on every CI run.
    "nested explicit keys (hung CI)": ("?   " * 9 + "?\n", (1, 5), "a key here is a mapping"),
    "a list as a key": (HEAD + "  - ? [a, b]\n    : 1\n", (5, 7), "a key here is a list"),
    "a flow list as a key": (HEAD + "  - {[a]: 1}\n", (5, 6), "a key here is a list"),
    # At 64,000 levels libyaml's composer recursed until the process died.
    "deep flow lists (a crash before)": (
        HEAD + "  - " + "[a, " * 70_000 + "]" * 70_000 + "\n",
        (5, 194),
        "nested more than 50",
    ),
    "deep flow mappings": (HEAD + "  - " + "{a: " * 10_000 + "\n", (5, 194), "nested more than 50"),
    "deep block lists": (
        HEAD + "".join("  " * depth + "- \n" for depth in range(1, 80)),
        (54, 101),
        "nested more than 50",
    ),
    "an alias": (HEAD + "  - &a {id: x}\n  - *a\n", (6, 5), "may not use aliases"),
    "a billion laughs": (
        "a: &a [lol, lol]\nb: &b [*a, *a]\nc: &c [*b, *b]\n",
        (2, 8),
        "may not use aliases",
    ),
    "a merge key": (HEAD + "  - <<: {id: x}\n", (5, 5), "merge key <<"),
    "a python tag": (HEAD + "  - !!python/object/apply:os.system [ls]\n", (5, 5), "!!python"),
}


def refusal_of_load_yaml(text: str, **options: bool) -> tuple[tuple[int, int], str]:
    with pytest.raises(YamlProblem) as caught:
        load_yaml(text, **options)
    return (caught.value.line + 1, caught.value.col + 1), caught.value.message


def problem_of(register) -> tuple[tuple[int, int], str]:
    (problem,) = register.problems
    return (problem.line, problem.col), problem.message


def register_error(run: Callable[[], object]) -> tuple[int, str]:
    with pytest.raises(RegisterError) as caught:
        run()
    return caught.value.line, caught.value.message


@pytest.mark.parametrize("text, where, says", HOSTILE.values(), ids=list(HOSTILE))
@pytest.mark.parametrize("fast", [True, False], ids=["libyaml first", "ruamel only"])
@pytest.mark.parametrize("round_trip", [True, False], ids=["round trip", "plain"])
def test_load_yaml_refuses_it_where_it_stands(text, where, says, fast, round_trip):
    found, message = refusal_of_load_yaml(text, fast=fast, round_trip=round_trip)
    assert found == where and says in message


@pytest.mark.parametrize("text, where, says", HOSTILE.values(), ids=list(HOSTILE))
def test_every_register_loader_refuses_it(tmp_path: Path, text, where, says):
    path = tmp_path / "claims" / "page.yaml"
    path.parent.mkdir()
    path.write_text(text, encoding="utf-8")
    for register in (parse_register(text, "claims/page.yaml"), load_register(path, "p.yaml")):
        found, message = problem_of(register)
        assert found == where and says in message and "nothing in this register" in message
    document = DocumentInfo("Zinc", "content/page.txt")
    runs = [
        lambda: merge_register(text, document, [], "2026-12-05"),
        lambda: record_review_in_text(text, "claims/page.yaml", "x", Review("supported"), {}),
        lambda: load_tree(path, "claims/page.yaml"),
    ]
    for run in runs:
        found_line, message = register_error(run)
        assert found_line == where[0] and says in message
    assert known_claims(path.parent) == []
    # The review app's readers of one part of a register read nothing from it.
    register = Register("claims/page.yaml", document)
    project = SimpleNamespace(root=tmp_path)
    assert read_approval(project, register) is None  # type: ignore[arg-type]
    assert claim_history(project, register, "x") == []  # type: ignore[arg-type]
    assert _earlier_wordings(path) == {}


@pytest.mark.parametrize("text, where, says", HOSTILE.values(), ids=list(HOSTILE))
def test_the_audit_and_the_writers_check_report_it_and_go_on(tmp_path: Path, text, where, says):
    draft = "Echinacea prevents colds in children.\n"
    project = write_project(tmp_path, {"claims/hostile.yaml": text, "content/draft.txt": draft})
    check = ["check", "-C", str(project), "--no-cache", "-j", "1"]
    audit = CliRunner().invoke(cli, check, catch_exceptions=False)
    writers = CliRunner().invoke(cli, [*check, str(project / "content/draft.txt")])
    line, col = where
    assert f"claims/hostile.yaml:{line}:{col}: error register.malformed: " in audit.output
    for result in (audit, writers):
        assert result.exit_code == 1
        assert "draft.txt:1:1: error document.uncited" in result.output


# Every function of the tracker that hands YAML text to the loader, by module. A new one must
# be added here and to the tests above, so that no loader escapes the guard.
LOADERS = {
    "tracker.register_read": {"read_yaml"},
    "tracker.similar": {"known_claims"},
    "tracker.datafiles": {"load_data", "parse"},
    "tracker.register_edits": {"_edit_fragment"},
    "tracker.decisions": {"read_approval"},
    "tracker.app.views": {"claim_history"},
    "tracker.checks.claims.stale_review": {"_earlier_wordings"},
}
YAML_PACKAGES = {"ruamel", "_ruamel_yaml", "yaml"}
# ruamel modules that only name data types (comments, scalar styles): no parser or constructor.
DATA_TYPE_MODULES = {
    "ruamel.yaml.comments",
    "ruamel.yaml.scalarstring",
    "ruamel.yaml.error",
    "ruamel.yaml.tokens",
}


def tracker_modules() -> dict[str, ast.Module]:
    modules = {}
    for path in sorted(TRACKER.rglob("*.py")):
        name = ".".join(path.relative_to(TRACKER.parent).with_suffix("").parts)
        modules[name.removesuffix(".__init__")] = ast.parse(path.read_text(encoding="utf-8"))
    return modules


def imported_modules(tree: ast.Module) -> set[str]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def callers_of(tree: ast.Module, name: str) -> set[str]:
    """Return the functions of a module that call `name`."""
    found = set()
    for function in ast.walk(tree):
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            for node in ast.walk(function):
                if isinstance(node, ast.Call) and getattr(node.func, "id", None) == name:
                    found.add(function.name)
    return found


def test_only_the_guarded_loader_imports_a_yaml_parser():
    yaml_imports = {
        module: {m for m in imported_modules(tree) if m.split(".")[0] in YAML_PACKAGES}
        - DATA_TYPE_MODULES
        for module, tree in tracker_modules().items()
    }
    assert {module for module, names in yaml_imports.items() if names} == {"tracker.yamlio"}


def test_every_loader_is_listed_and_tested():
    found = {}
    for module, tree in tracker_modules().items():
        callers = callers_of(tree, "load_yaml")
        if callers and module != "tracker.yamlio":
            found[module] = callers
    assert found == LOADERS


def test_the_data_files_load_through_the_guard(monkeypatch):
    from tracker import warm
    from tracker.datafiles import data_names, load_data

    monkeypatch.setenv(warm.ENVIRONMENT, "off")  # parsed here, not taken from the last run
    warm.forget()
    try:
        with mock.patch.object(yamlio, "_check_events", wraps=yamlio._check_events) as checked:
            for name in data_names("rules"):
                load_data(name)
    finally:
        warm.forget()
    assert checked.call_count == len(data_names("rules"))


@pytest.mark.parametrize("name", list(SHAPES))
def test_each_shape_loads_in_time_proportional_to_its_size(name):
    assert_linear(lambda text: parse_register(text, "claims/shape.yaml"), SHAPES[name], 1500)


def test_too_many_values_are_refused(monkeypatch):
    monkeypatch.setattr(yamlio, "MAX_YAML_NODES", 100)
    text = "claims: [" + "1, " * 200 + "]\n"
    for fast in (True, False):
        (line, col), message = refusal_of_load_yaml(text, fast=fast)
        # The mapping, its key and the list come first: item 98 is the 101st value.
        assert (line, col) == (1, 10 + 3 * 97) and "more than 100 values" in message


def test_ordinary_yaml_reads_alike_with_either_parser():
    text = HEAD + "  - id: x  # a comment\n    text: 'Zinc, ''quoted'''\n    kinds: [efficacy]\n"
    assert load_yaml(text, fast=True) == load_yaml(text)
    assert load_yaml(text, round_trip=False, fast=True) == {
        "document": {"title": "Zinc", "path": "content/page.txt"},
        "claims": [{"id": "x", "text": "Zinc, 'quoted'", "kinds": ["efficacy"]}],
    }
    assert "# a comment" in yamlio.dump_yaml(load_yaml(text))
