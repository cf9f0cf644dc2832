"""The checks of wording and evidence, run directly: their examples, the rule packs' own
example sentences, the evidence conditioning, the speed of suggestions, and what they find
on the bundled project."""

from __future__ import annotations

import gzip
import importlib
import random
import re
import string
from pathlib import Path
from types import ModuleType

import pytest

from tracker import judgement
from tracker.checks.base import Audit
from tracker.checks.claims import suggestions, unnamed_evidence
from tracker.checks.evidence import mismatch
from tracker.checks.language import overclaim
from tracker.datafiles import load_data
from tracker.evidence import any_cue, vocabulary
from tracker.graph import build_graph
from tracker.model import Finding, Severity, Source
from tracker.project import load_project

from .conftest import REPO, Files, audit_for
from .examples_language import EXAMPLES, NO_RISK, SUPERLATIVE, page

MODULES: dict[str, ModuleType] = {
    check_id: importlib.import_module(f"tracker.checks.{check_id}") for check_id in EXAMPLES
}


def fired(tmp_path: Path, check_id: str, files: Files) -> list[Finding]:
    return list(MODULES[check_id].check(audit_for(tmp_path, files)))


# Examples ------------------------------------------------------------------------------------

CASES = [
    (check_id, files, should_fire)
    for check_id, (triggers, passes) in EXAMPLES.items()
    for files, should_fire in [*((t, True) for t in triggers), *((p, False) for p in passes)]
]


@pytest.mark.parametrize(("check_id", "files", "should_fire"), CASES)
def test_examples(tmp_path: Path, check_id: str, files: Files, should_fire: bool) -> None:
    findings = fired(tmp_path, check_id, files)
    assert bool(findings) == should_fire, findings
    for finding in findings:
        assert finding.check == check_id and finding.severity == MODULES[check_id].SEVERITY
        assert finding.line >= 1 and finding.col >= 1 and " - " in finding.message


@pytest.mark.parametrize("module", MODULES.values(), ids=list(MODULES))
def test_modules_are_shaped_like_checks(module: ModuleType) -> None:
    assert module.__name__ == f"tracker.checks.{module.ID}"
    assert isinstance(module.SEVERITY, Severity) and module.SUMMARY
    triggers, passes = EXAMPLES[module.ID]
    assert triggers and passes


def test_severities() -> None:
    assert overclaim.SEVERITY == Severity.WARNING
    assert unnamed_evidence.SEVERITY == Severity.ERROR
    assert mismatch.SEVERITY == Severity.WARNING
    assert suggestions.SEVERITY == Severity.INFO


# Rule packs ----------------------------------------------------------------------------------

RULES = {rule.id: rule for rule in judgement.rules()}


def test_every_rule_file_names_its_guideline() -> None:
    packs = judgement.rule_packs()
    assert len(packs) >= 3
    for name, pack in packs.items():
        guideline = pack.get("guideline")
        assert isinstance(guideline, str) and guideline.strip(), name
        assert re.search(r"\b(?:19|20)\d\d\b", guideline), f"{name}: the guideline needs its year"
        assert pack["rules"], name


def test_rule_ids_are_unique_and_levels_known() -> None:
    ids = [rule.id for rule in judgement.rules()]
    assert len(ids) == len(set(ids))
    for rule in judgement.rules():
        assert rule.passes_with is None or rule.passes_with in vocabulary(), rule.id
        assert rule.what and rule.advice and rule.guideline


def test_one_search_for_every_levels_cues_finds_what_the_levels_find(shared: Path) -> None:
    # Titles of real works: the ACL Anthology's (few cues) and the bundled health sources'.
    with gzip.open(shared / "bench/acl-anthology-1965-2019.bib.gz", "rt", encoding="utf-8") as f:
        titles = re.findall(r'^\s*title\s*=\s*"(.*)",?$', f.read(), re.M)[:20000]
    titles += [s.get("title") or "" for s in load_project(REPO).bibliography.sources.values()]
    titles += [f"A {cue} of zinc" for cue in ("Randomized controlled trial", "Meta-Analysis")]
    levels = vocabulary().values()
    found = [any(level.cues.search(t) for level in levels) for t in titles]
    assert [any_cue().find(t) is not None for t in titles] == found
    assert sum(found) >= 100  # the screen is tried on titles that hold cues too


@pytest.mark.parametrize("rule", judgement.rules(), ids=lambda r: r.id)
def test_every_rule_has_examples_both_ways(rule: overclaim.Rule) -> None:
    assert rule.flag_examples and rule.pass_examples
    for sentence in rule.flag_examples:
        assert rule.words(sentence), f"{rule.id} should flag: {sentence}"
    for sentence in rule.pass_examples:
        assert not rule.words(sentence), f"{rule.id} should pass: {sentence}"


# The wording the brief names, and the rule that must flag it.
WORDING = [
    ("There is no risk of infection.", "absolute-safety"),
    ("A risk-free procedure.", "absolute-safety"),
    ("The injection is completely safe.", "absolute-safety"),
    ("The secretome is safe.", "absolute-safety"),
    ("Secretome therapy has no side effects.", "absolute-safety"),
    ("This cream cures eczema.", "cure"),
    ("Results guaranteed.", "guarantee"),
    ("A serum that is 100% effective.", "guarantee"),
    ("Clinically proven to regrow hair.", "establishment-claim"),
    ("Scientifically proven results.", "establishment-claim"),
    ("The secretome is often the superior choice.", "unqualified-comparative"),
    ("The best treatment for knee pain.", "superlative"),
    ("Secretome therapy can be overwhelmingly advantageous.", "unqualified-comparative"),
    ("Dedicated extraction makes it far more effective.", "unqualified-comparative"),
    ("It is used to reverse aging.", "reverse-aging"),
    ("An anti-aging miracle.", "reverse-aging"),
    ("A miracle for tired joints.", "miracle"),
    ("A breakthrough in regenerative medicine.", "breakthrough"),
    ("The procedure carries no significant risk.", "sweeping-safety"),
    ("It has fewer side effects than stem cell therapy.", "comparative-safety"),
]


def flagging(sentence: str) -> set[str]:
    return {rule.id for rule in judgement.rules() if rule.words(sentence)}


@pytest.mark.parametrize(("sentence", "rule_id"), WORDING)
def test_wording_is_flagged_by_its_rule(sentence: str, rule_id: str) -> None:
    assert rule_id in flagging(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "The risk of immune rejection is lower.",
        "Adverse events were mild and resolved within a week in the trial.",
        "Of course, as with any medical procedure, risk is not zero.",
        "No treatment is completely risk-free.",
        "While secretome therapy does not directly “cure” cancer, it may aid recovery.",
        "Results cannot be guaranteed.",
        "Physicians select the approach that best fits the situation.",
        "Secure storage keeps the preparation cold.",
    ],
)
def test_honest_wording_is_not_flagged(sentence: str) -> None:
    assert flagging(sentence) == set()


def test_hedged_negation_is_not_absolute() -> None:
    assert flagging("The procedure carries no significant risk.") == {"sweeping-safety"}
    assert RULES["sweeping-safety"].passes_with is not None
    assert RULES["absolute-safety"].passes_with is None


# Evidence conditioning -----------------------------------------------------------------------


def overclaims(tmp_path: Path, text: str, keys: list[str]) -> list[Finding]:
    return fired(tmp_path, "language.overclaim", page((text, keys)))


@pytest.mark.parametrize(
    ("keys", "passes"),
    [
        (["rct2020"], True),
        (["review2021", "rct2020"], True),
        (["review2021"], False),
        (["mouse2019"], False),
        (["vague2022"], False),
        ([], False),
    ],
)
def test_superlative_passes_only_with_a_trial(
    tmp_path: Path, keys: list[str], passes: bool
) -> None:
    assert (overclaims(tmp_path, SUPERLATIVE, keys) == []) == passes


def test_wording_no_evidence_substantiates_is_flagged_whatever_the_source(tmp_path: Path) -> None:
    (finding,) = overclaims(tmp_path, "It is completely safe.", ["rct2020"])
    assert "no evidence can substantiate" in finding.message
    assert "rct2020 (rct)" in finding.message and "uncited" not in finding.message


def test_weak_evidence_message_names_source_level_and_need(tmp_path: Path) -> None:
    (finding,) = overclaims(tmp_path, SUPERLATIVE, ["review2021"])
    assert '"the best"' in finding.message and "rule superlative" in finding.message
    assert "review2021 (narrative-review)" in finding.message
    assert "rct or stronger" in finding.message
    assert "Health Products Compliance Guidance (2022)" in finding.message


def test_uncited_absolute_safety_message(tmp_path: Path) -> None:
    (finding,) = fired(tmp_path, "language.overclaim", page((NO_RISK, []), kinds="safety"))
    message, _ = finding.message.split(" - ", 1)
    assert message.startswith('uncited absolute safety claim "no risk"')
    assert "rule absolute-safety" in message and "FTC" in message


# Data files of the other checks ----------------------------------------------------------------


def test_unnamed_evidence_data_names_its_guideline_and_examples_hold() -> None:
    data = load_data("unnamed_evidence.yaml")
    assert "FTC" in data["guideline"] and re.search(r"\b20\d\d\b", data["guideline"])
    for sentence in data["examples"]["flag"]:
        assert unnamed_evidence.unnamed_appeal(sentence), sentence
    for sentence in data["examples"]["pass"]:
        assert unnamed_evidence.unnamed_appeal(sentence) is None, sentence


def test_non_human_cues_name_their_guideline_and_examples_hold() -> None:
    data = load_data("non_human_subjects.yaml")
    assert re.search(r"\b20\d\d\b", data["guideline"])
    for sentence in data["examples"]["about_people"]:
        assert not mismatch.non_human().search(sentence), sentence
    for sentence in data["examples"]["not_about_people"]:
        assert mismatch.non_human().search(sentence), sentence


# Suggestions -------------------------------------------------------------------------------------


def source(key: str, **fields: str) -> Source:
    return Source(key, "article", fields, 1)


def test_suggestions_are_scored_and_at_most_three() -> None:
    zinc = "oral zinc supplements wound healing older adults"
    index = suggestions.SourceIndex(source(f"zinc{i}", title=zinc) for i in range(5))
    found = suggestions.best(index.suggest("Zinc supplements speed wound healing in older adults."))
    assert len(found) == suggestions.MOST
    assert all(str(s).startswith(f"{s.key} (title fits, ") and s.score >= 70 for s in found)


def test_a_few_common_words_are_no_fit() -> None:
    index = suggestions.SourceIndex([source("a", title="Stem cells in regenerative medicine")])
    assert index.suggest("Stem cells are harvested from the patient's own fat.") == []


def test_suggestions_find_reworded_titles_in_a_large_bibliography() -> None:
    rng = random.Random(7)
    vocabulary_ = [
        "".join(rng.choices(string.ascii_lowercase, k=rng.randint(4, 10))) for _ in range(20000)
    ]

    def text(words: int) -> str:
        return " ".join(rng.choices(vocabulary_, k=words))

    sources = [
        source(f"s{i}", title=text(12), keywords=text(5), abstract=text(200)) for i in range(6000)
    ]
    # half the claims reword a title, half share nothing with any entry
    claims = [f"{sources[i].fields['title']} {text(8)}" for i in range(100)]
    claims += [text(20) for _ in range(100)]
    # Speed is for benchmarks, not unit tests: this checks the index finds the right entries.
    index = suggestions.SourceIndex(sources, claims)
    found = [index.suggest(claim) for claim in claims]
    assert all(found[i] and found[i][0].key == f"s{i}" for i in range(100))


# The bundled project -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bundled() -> Audit:
    project = load_project(REPO)
    return Audit(project, build_graph(project))


def findings_on(audit: Audit, module: ModuleType, text: str) -> list[Finding]:
    ids = {c.id for _, c in audit.project.claims() if text in c.text}
    assert ids, f"no claim of the bundled project says {text!r}"
    return [f for f in module.check(audit) if f.claim_id in ids]


def test_bundled_no_risk_is_an_uncited_absolute_safety_claim(bundled: Audit) -> None:
    (finding,) = findings_on(bundled, overclaim, "no risk of unintended cellular overgrowth")
    assert finding.message.startswith('uncited absolute safety claim "no risk"')
    assert finding.path == "content/secretome-therapy.txt"


def test_bundled_animal_studies_appeal_names_no_source(bundled: Audit) -> None:
    (finding,) = findings_on(bundled, unnamed_evidence, "In animal studies, secretome")
    assert '"In animal studies"' in finding.message
    assert "the sentence says a source exists and names none" in finding.message


def test_bundled_claims_on_reviews_are_mismatched(bundled: Audit) -> None:
    (finding,) = findings_on(bundled, mismatch, "Current scientific evidence indicates")
    assert "polymers2022polymeric (narrative-review)" in finding.message
