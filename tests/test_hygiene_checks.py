"""The quote checks and bibliography hygiene checks: each on its examples (run directly, as the
modules are not in CHECKS yet), the normalisations they rely on, the bundled project, and
duplicate_work on a 45,000-entry bibliography."""

from __future__ import annotations

import datetime
from pathlib import Path
from types import ModuleType

import pytest

from tracker.checks.base import Audit
from tracker.checks.citations import publisher_as_journal
from tracker.checks.quotes import hedges, not_found, numbers
from tracker.checks.sources import (
    duplicate_work,
    implausible_year,
    invalid_ids,
    missing_authors,
    missing_ids,
)
from tracker.model import Severity

from .conftest import BIB, REPO, Files, audit_for
from .examples_hygiene import EXAMPLES, SOURCE, SOURCE_TEXT, bib_with, entry, quoted

MODULES: dict[str, ModuleType] = {
    module.ID: module
    for module in (
        numbers,
        hedges,
        not_found,
        missing_ids,
        invalid_ids,
        missing_authors,
        publisher_as_journal,
        implausible_year,
        duplicate_work,
    )
}


def findings(tmp_path: Path, check_id: str, files: Files) -> list:
    return list(MODULES[check_id].check(audit_for(tmp_path, files)))


def test_every_module_has_examples() -> None:
    assert set(EXAMPLES) == set(MODULES)
    for check_id, (triggers, passes) in EXAMPLES.items():
        assert triggers and passes, check_id


@pytest.mark.parametrize("module", MODULES.values(), ids=list(MODULES))
def test_ids_match_module_paths(module: ModuleType) -> None:
    assert module.__name__ == f"tracker.checks.{module.ID}"
    assert isinstance(module.SEVERITY, Severity) and module.SUMMARY


CASES = [
    pytest.param(
        check_id, files, should_fire, id=f"{check_id}-{'fires' if should_fire else 'quiet'}-{n}"
    )
    for check_id, (triggers, passes) in EXAMPLES.items()
    for should_fire, projects in ((True, triggers), (False, passes))
    for n, files in enumerate(projects)
]


@pytest.mark.parametrize(("check_id", "files", "should_fire"), CASES)
def test_examples(tmp_path: Path, check_id: str, files: Files, should_fire: bool) -> None:
    fired = findings(tmp_path, check_id, files)
    assert bool(fired) == should_fire, fired
    for finding in fired:
        assert finding.check == check_id and finding.severity == MODULES[check_id].SEVERITY
        assert finding.line >= 1 and finding.col >= 1 and " - " in finding.message


# --- quotes.numbers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("by 30% in 12 weeks", [("30", None, "%"), ("12", None, "week")]),
        ("30 per cent, 30 percent, 30 %", [("30", None, "%")] * 3),
        ("1,000 and 1\u2009000 and 1000", [("1000", None, None)] * 3),
        ("10–20% and 10—20 % and 10-20 per cent", [("10", "20", "%")] * 3),
        ("1·5 mg/kg, 1.50 mg/kg and 1,5 mg/kg", [("1.5", None, "mg/kg")] * 3),
        (
            "a 12-week trial of 3-fold doses, 2x",
            [("12", None, "week"), ("3", None, "fold"), ("2", None, "fold")],
        ),
        ("COVID-19, IL-6, B12, 3D, 5-HT, omega-3, v1.2", []),
        ("aged 18–65 years", [("18", "65", "year")]),
    ],
)
def test_figures_are_normalised(text: str, expected: list[tuple]) -> None:
    assert [(f.low, f.high, f.unit) for f in numbers.figures(text)] == expected


@pytest.mark.parametrize(
    ("claim", "quote", "missing"),
    [
        ("cut colds by 40% in 12 weeks", "fell by 40 per cent over twelve weeks", []),
        ("a 2-fold rise in 12 weeks", "a twofold rise in eleven weeks", ["12 weeks"]),
        ("cut colds by 40%", "a 40-percent fall", []),
        ("in 1,000 adults", "among 1000 adults", []),
        ("up to 20% fewer colds", "10–20% fewer colds", []),
        ("10 to 20% fewer", "between 10% and 20% fewer", []),
        ("10–20% fewer", "between 10% and 20% fewer", []),
        ("40 adults", "40% of adults", []),
        ("40% of adults", "40 adults", ["40%"]),
        ("5 mg daily", "5 g daily", ["5 mg"]),
    ],
)
def test_missing_figures(claim: str, quote: str, missing: list[str]) -> None:
    assert [f.text for f in numbers.missing_figures(claim, [quote])] == missing


def test_citation_markers_are_no_figures(tmp_path: Path) -> None:
    files = quoted("Colds fell by 40% [2, 3] (Smith et al., 2020). [1]", "colds fell by 40%")
    assert findings(tmp_path, numbers.ID, files) == []


def test_numbers_message_quotes_the_figures(tmp_path: Path) -> None:
    files = quoted("Colds fell by 40% within 8 weeks. [1]", "colds fell by 25% in 12 weeks")
    (finding,) = findings(tmp_path, numbers.ID, files)
    assert '"40%", "8 weeks"' in finding.message


# --- quotes.hedges -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("claim", "quote", "dropped", "added"),
    [
        ("D cures colds.", "D may reduce colds in mice.", ["may", "in mice"], []),
        ("D could reduce colds.", "D may reduce colds.", [], []),
        (
            "D reduces colds.",
            "These preliminary data suggest that D reduces colds.",
            ["preliminary", "suggest"],
            [],
        ),
        ("D reduces colds in vitro.", "In-vitro, D reduced colds.", [], []),
        ("D reduces colds.", "D appears to reduce colds", ["appears to"], []),
        ("D markedly reduces all colds.", "D reduced colds.", [], ["markedly", "all"]),
        ("Proven to work.", "The effect was proven.", [], []),
        ("Guaranteed results, always.", "Results varied.", [], ["Guaranteed", "always"]),
        ("Launched in May 2021.", "Launched in May 2021.", [], []),
        ("It is potentially useful.", "a potential benefit", [], []),
    ],
)
def test_hedges_and_boosters(claim: str, quote: str, dropped: list[str], added: list[str]) -> None:
    assert hedges.dropped_hedges(claim, [quote]) == dropped
    assert hedges.added_boosters(claim, [quote]) == added


def test_hedge_data_names_its_guidelines() -> None:
    from tracker.datafiles import load_data

    guideline = load_data("hedges.yaml")["guideline"]
    assert "Hyland" in guideline and "FTC" in guideline


# --- quotes.not_found --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quote", "found"),
    [
        ("reduced the number of colds by 40 per cent over 12 weeks", True),
        ("REDUCED THE NUMBER OF COLDS", True),
        ("whose regenerative capacity is low", True),  # regen-\nerative
        ("The effect was strongest", True),  # the ﬀ ligature
        ('in "older" adults', True),  # curly quotes in the source
        ("in ‘older’ adults", False),  # single quotes are not double quotes
        ("long-term data are lacking", True),  # long-\nterm
        ("long–term data are lacking", True),  # an en dash for a hyphen
        ("randomised trial, vitamin D … over 12 weeks of winter", True),
        ("vitamin D [...] by 40 per cent", True),
        ("over 12 weeks … vitamin D reduced", False),  # the parts in the wrong order
        ("reduced the number of colds by 50 per cent", False),
    ],
)
def test_quote_matching_is_tolerant(quote: str, found: bool) -> None:
    assert not_found.contains(not_found.canonical(SOURCE_TEXT), quote) == found


def test_source_text_is_read_once_per_audit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    register = quoted("Vitamin D reduces colds. [1]", "cured colds")["claims/page.yaml"]
    second = register.split("  - id: p-000001\n", 1)[1].replace("p-000001", "p-000002")
    files = {"claims/page.yaml": register + "  - id: p-000002\n" + second, SOURCE: SOURCE_TEXT}
    audit = audit_for(tmp_path, files)
    reads: list[str] = []
    real = not_found.read_source
    monkeypatch.setattr(
        not_found, "read_source", lambda root, key: reads.append(key) or real(root, key)
    )
    assert len(list(not_found.check(audit))) == 2
    assert len(list(not_found.check(audit))) == 2
    assert reads == ["smith2020trial"]
    assert "sources/smith2020trial.txt" in next(not_found.check(audit)).message


def test_a_key_that_is_no_file_name_has_no_source_text(tmp_path: Path) -> None:
    assert not_found.read_source(tmp_path, "../secret") is None


# --- bibliography hygiene ----------------------------------------------------------------


def test_implausible_year_allows_next_year_only(tmp_path: Path) -> None:
    year = datetime.date.today().year
    quiet = {"references.bib": bib_with(year=str(year + 1))}
    loud = {"references.bib": bib_with(year=str(year + 2))}
    assert findings(tmp_path / "a", implausible_year.ID, quiet) == []
    (finding,) = findings(tmp_path / "b", implausible_year.ID, loud)
    assert f'year "{year + 2}"' in finding.message and f"after {year + 1}" in finding.message


def test_implausible_year_says_what_is_wrong(tmp_path: Path) -> None:
    (finding,) = findings(tmp_path, implausible_year.ID, {"references.bib": bib_with(year="202")})
    assert 'year "202" of source "smith2020trial" has 3 digits, not 4 - ' in finding.message


def test_duplicates_are_reported_once_per_pair_at_the_later_entry(tmp_path: Path) -> None:
    same_doi = {"doi": "10.1000/test.1", "year": "2020"}
    bib = (
        BIB
        + entry("second", title="Second", **same_doi)
        + entry("third", title="Third", **same_doi)
    )
    fired = findings(tmp_path, duplicate_work.ID, {"references.bib": bib})
    assert [(f.source_key, f.message.split('"')[3]) for f in fired] == [
        ("second", "smith2020trial"),
        ("third", "smith2020trial"),
        ("third", "second"),
    ]
    assert all('the same doi "10.1000/test.1"' in f.message for f in fired)


def test_duplicate_titles_name_the_year(tmp_path: Path) -> None:
    bib = BIB + entry("copy", title="A randomised trial of vitamin D in winter!", year="2020")
    (finding,) = findings(tmp_path, duplicate_work.ID, {"references.bib": bib})
    assert "the same title and year 2020" in finding.message and finding.source_key == "copy"


def test_duplicate_titles_without_a_year_still_match(tmp_path: Path) -> None:
    bib = BIB + entry("copy", title="A Randomized Trial of Vitamin D in Winter")
    (finding,) = findings(tmp_path, duplicate_work.ID, {"references.bib": bib})
    assert "titles" in finding.message and "alike" in finding.message


def test_publisher_as_journal_names_the_recorded_journal(tmp_path: Path) -> None:
    from .examples_hygiene import referenced

    (finding,) = findings(tmp_path, publisher_as_journal.ID, referenced("MDPI"))
    assert '"A Randomised Trial of Vitamin D in Winter – MDPI (2020)"' in finding.message
    assert 'records the journal "Journal of Testing"' in finding.message


# --- the bundled project and a large bibliography -------------------------------------------


@pytest.fixture(scope="module")
def bundled() -> Audit:
    from tracker.graph import build_graph
    from tracker.project import load_project

    project = load_project(REPO)
    return Audit(project, build_graph(project))


def test_bundled_publisher_as_journal_fires_for_label_6_only(bundled: Audit) -> None:
    fired = list(publisher_as_journal.check(bundled))
    claims = dict(bundled.project.claim_index)
    assert [[c.marker for c in claims[f.claim_id][1].citations] for f in fired] == [["[6]"]]
    assert "Use of Exosomes in Cosmetics – MDPI (2023)" in fired[0].message
    assert '"Cosmetics"' in fired[0].message


@pytest.mark.parametrize("module", MODULES.values(), ids=list(MODULES))
def test_bundled_project_runs(bundled: Audit, module: ModuleType) -> None:
    for finding in module.check(bundled):
        assert finding.line >= 1 and " - " in finding.message
