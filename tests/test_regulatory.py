"""Judgement as a regulatory reviewer makes it: disease claims and the authority that governs
them, regulatory-status wording, risk grades and their order, the writers' check, passages
proposed from a source, and the development set of real copy (tests/data/regulatory)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from tracker.checks.registry import run_checks
from tracker.checks.regulatory import disease_claim
from tracker.cli import cli
from tracker.conditions import mentions, vocabulary
from tracker.config import Config, ProjectError, load_config
from tracker.evidence import UNKNOWN
from tracker.judgement import Judged, hits, rules_of
from tracker.passages import best_passage, sentences
from tracker.risk import by_risk, claim_risk, default_risk

from .conftest import REPO, audit_for, write_project
from .examples_language import page
from .examples_regulatory import DRUG_FOR_KNEES, TRIAL_TEXT

DEVSET = REPO / "tests" / "data" / "regulatory" / "devset.yaml"


def config(**settings: object) -> Config:
    return Config(Path("."), **settings)  # type: ignore[arg-type]


# Conditions ---------------------------------------------------------------------------------


def test_vocabulary_names_its_source_and_licence() -> None:
    header = (REPO / "tracker" / "data" / "conditions.txt").read_text(encoding="utf-8")[:3000]
    assert "Disease Ontology" in header and "CC0" in header
    assert len(vocabulary().names) > 5000


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Relief for rheumatoid arthritis.", ["rheumatoid arthritis"]),
        ("Used for arthritis, COPD and MS.", ["arthritis", "COPD", "MS"]),
        (
            "Parkinson’s disease and Alzheimer's disease",
            ["Parkinson's disease", "Alzheimer's disease"],
        ),
        ("Ms Lee booked a visit.", []),
        ("Tumours and tumors shrink.", ["Tumours", "tumors"]),
    ],
)
def test_conditions_are_found_as_written(text: str, names: list[str]) -> None:
    assert [m.text.replace("’", "'") for m in mentions(text)] == names


# Disease claims -------------------------------------------------------------------------------

CLAIMS = [
    ("Our stem cell therapy treats arthritis, COPD and MS.", ["arthritis", "COPD", "MS"]),
    ("Patients find relief from neuropathy.", ["neuropathy"]),
    ("Used for arthritis, COPD and MS", ["arthritis", "COPD", "MS"]),
    ("Knee osteoarthritis can be treated with exosomes.", ["osteoarthritis"]),
    ("A natural remedy for psoriasis and eczema.", ["psoriasis", "eczema"]),
    ("Exosomes help patients with multiple sclerosis walk again.", ["multiple sclerosis"]),
    ("Stem cells may slow the progression of ALS.", ["ALS"]),
    ("Our serum is not intended to treat eczema.", []),
    ("There is no cure for diabetes, but diet helps.", []),
    ("Calcium is needed for the maintenance of normal bones.", []),
    ("Patients with diabetes should ask their doctor before booking.", []),
]


@pytest.mark.parametrize(("text", "expected"), CLAIMS)
def test_disease_claims_name_their_conditions(text: str, expected: list[str]) -> None:
    named = [m.text for m in disease_claim.claimed_conditions(text)]
    assert [n.lower() for n in named] == [e.lower() for e in expected]


@pytest.mark.parametrize(
    ("settings", "provision", "risk"),
    [
        ({}, "PHS Act section 351", "high"),
        ({"product": "supplement"}, "21 CFR 101.93(g)", "high"),
        ({"product": "cosmetic"}, "FD&C Act section 201(g)(1)", "high"),
        ({"product": "cell-or-tissue-product"}, "21 CFR 1271.10", "high"),
        ({"product": "service", "jurisdictions": ("US",)}, "FTC Act", "medium"),
        ({"product": "supplement", "jurisdictions": ("EU",)}, "1169/2011 Article 7(3)", "high"),
        ({"product": "drug", "jurisdictions": ("UK",)}, "CAP Code rule 12.1", "high"),
    ],
)
def test_the_governing_authority_is_cited(settings: dict, provision: str, risk: str) -> None:
    found = disease_claim.claimed("Our product treats psoriasis.", config(**settings))
    assert found is not None and found.risk == risk
    message = disease_claim.describe(found, "Our product treats psoriasis.")
    assert provision in message and '"psoriasis"' in message
    places = settings.get("jurisdictions", ("US", "UK", "EU"))
    assert [a.jurisdiction for a in found.authorities] == list(places)


def test_declared_approvals_let_their_uses_pass_and_no_other() -> None:
    approved = config(product="drug", approved_for=("knee osteoarthritis",), jurisdictions=("US",))
    assert disease_claim.claimed("It treats knee osteoarthritis.", approved) is None
    found = disease_claim.claimed("It treats knee osteoarthritis and gout.", approved)
    assert found is not None and [m.text for m in found.conditions] == ["gout"]
    supplement = config(product="supplement", approved_for=("gout",), jurisdictions=("US",))
    assert disease_claim.claimed("It treats gout.", supplement) is not None


def test_every_rule_cites_its_provision_and_examples() -> None:
    from tracker.judgement import rules

    for rule in rules():
        assert rule.provision and rule.flag_examples and rule.pass_examples, rule.id
        for authority in rule.also:
            assert authority.provision and authority.jurisdictions, rule.id


# Regulatory status and the rule packs' scope --------------------------------------------------


def test_prescription_drug_rules_bind_only_prescription_products() -> None:
    def ids(cfg: Config) -> set[str]:
        return {rule.id for rule in rules_of("language.overclaim", cfg)}

    assert "unqualified-comparative" not in ids(config())
    assert "unqualified-comparative" not in ids(config(product="service"))
    assert "unqualified-comparative" in ids(config(product="drug"))
    assert "comparative-claim" in ids(config(product="service"))
    us_only = config(jurisdictions=("US",))
    cure = next(rule for rule in rules_of("language.overclaim", us_only) if rule.id == "cure")
    from tracker.judgement import authority

    assert "FTC Act" in authority([cure], us_only) and "CAP" not in authority([cure], us_only)
    assert "CAP Code rule 12.1" in authority([cure], config())


def test_one_wording_under_two_authorities_is_one_finding() -> None:
    claim = Judged("It is far more effective than surgery.", ("efficacy",), False)
    found = hits(rules_of("language.overclaim", config(product="drug")), claim, UNKNOWN, None)
    assert len(found) == 1 and {r.id for r in found[0].rules} == {
        "unqualified-comparative",
        "comparative-claim",
    }


def test_composition_claims_need_no_trial() -> None:
    composition = Judged("Other sources contain far fewer growth factors.", ("composition",), False)
    found = hits(rules_of("language.overclaim", config()), composition, UNKNOWN, None)
    assert found and "in-vitro" in found[0].rule.composition_passes_with  # type: ignore[operator]
    from tracker.judgement import needed

    assert "level in-vitro or stronger" in needed(found[0].rule, composition.kinds)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Secretome therapy is considered comparatively safe.", "relative-safety"),
        ("A safe and natural way to restore your joints.", "relative-safety"),
        ("Exosome facials reverse skin aging.", "reverse-aging"),
        ("Our clinic is registered with the FDA.", "registration-as-approval"),
    ],
)
def test_issue_wordings_are_caught(text: str, expected: str) -> None:
    rules = rules_of("language.overclaim", config()) + rules_of("regulatory.status_claim", config())
    found = hits(rules, Judged(text, ("safety",), False), UNKNOWN, config())
    assert expected in {rule.id for hit in found for rule in hit.rules}


# Settings ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    ['product = "elixir"', 'jurisdictions = ["US", "Mars"]', "approved-for = 3"],
)
def test_bad_regulatory_settings_are_refused_with_the_line(tmp_path: Path, line: str) -> None:
    (tmp_path / "pyproject.toml").write_text(f"[tool.tracker]\n{line}\n", encoding="utf-8")
    with pytest.raises(ProjectError, match=r"pyproject\.toml"):
        load_config(tmp_path)


def test_regulatory_settings_are_read(tmp_path: Path) -> None:
    write_project(tmp_path, DRUG_FOR_KNEES)
    loaded = load_config(tmp_path)
    assert loaded.product == "drug" and loaded.approved_for == ("knee osteoarthritis",)
    assert loaded.jurisdictions == ("US", "UK", "EU")


# Risk ---------------------------------------------------------------------------------------------


def test_risk_grades() -> None:
    assert claim_risk(["background"]) == "low" and claim_risk(["composition"]) == "low"
    assert claim_risk(["efficacy", "background"]) == "medium"
    assert default_risk("sources.retracted") == "high"
    assert default_risk("bibliography.missing_fields") == "low"
    assert default_risk("regulatory.disease_claim") == "high"


def test_every_finding_is_graded_and_disease_claims_are_high(tmp_path: Path) -> None:
    files = page(
        ("Our stem cell therapy treats arthritis.", []),
        ("Stem cells are the body's building blocks.", []),
    )
    findings = run_checks(audit_for(tmp_path, files))
    assert findings and all(f.risk in {"high", "medium", "low"} for f in findings)
    grades = {(f.check, f.claim_id): f.risk for f in findings}
    assert grades[("regulatory.disease_claim", "p-000001")] == "high"
    assert by_risk(findings)[0].risk == "high"


def test_check_filters_and_sorts_by_risk(tmp_path: Path) -> None:
    write_project(
        tmp_path,
        page(
            ("Stem cells are the body's building blocks.", []),
            ("Our stem cell therapy treats arthritis.", []),
        ),
    )
    runner = CliRunner()
    args = ["-C", str(tmp_path), "check", "--no-exit", "--no-cache"]
    high = runner.invoke(cli, [*args, "--min-risk", "high"])
    assert high.exit_code == 0, high.output
    lines = [line for line in high.output.splitlines() if line.startswith("content/")]
    assert lines and all("[high]" in line for line in lines)
    assert any("regulatory.disease_claim" in line for line in lines)
    everything = runner.invoke(cli, [*args, "--sort", "risk", "--format", "json"])
    risks = [f["risk"] for f in json.loads(everything.output)["findings"]]
    assert risks == sorted(risks, key=["high", "medium", "low"].index) and "low" in risks


def test_report_opens_with_high_risk_claims(tmp_path: Path) -> None:
    write_project(tmp_path, page(("Our stem cell therapy treats arthritis.", [])))
    result = CliRunner().invoke(cli, ["-C", str(tmp_path), "report", "--no-cache"])
    assert result.exit_code == 0, result.output
    markdown = next((tmp_path / "reports").glob("*.md")).read_text(encoding="utf-8")
    assert markdown.index("## High-risk claims") < markdown.index("## At a glance")
    assert "treats arthritis" in markdown.split("## At a glance")[0]
    html = next((tmp_path / "reports").glob("*.html")).read_text(encoding="utf-8")
    assert html.index('id="high-risk"') < html.index('id="at-a-glance"')


# Passages -----------------------------------------------------------------------------------------


def test_the_best_passage_is_the_sentence_about_the_claim() -> None:
    passage = best_passage("Secretome injections ease knee pain in patients.", TRIAL_TEXT)
    assert passage is not None and passage.text.startswith("Pain scores fell")
    assert best_passage("Zinc lozenges shorten colds.", TRIAL_TEXT) is None
    assert sentences("Short.\n\nA sentence long enough to be a passage of its own.") == [
        "A sentence long enough to be a passage of its own."
    ]


def test_report_proposes_a_quote_from_the_source(tmp_path: Path) -> None:
    files = page(("Secretome injections ease knee pain in patients.", ["rct2020"]))
    write_project(tmp_path, {**files, "sources/rct2020.txt": TRIAL_TEXT})
    result = CliRunner().invoke(cli, ["-C", str(tmp_path), "report", "--no-cache"])
    assert result.exit_code == 0, result.output
    markdown = next((tmp_path / "reports").glob("*.md")).read_text(encoding="utf-8")
    assert "proposed quote, to be checked: “Pain scores fell more in patients" in markdown


# The writers' check --------------------------------------------------------------------------------


def test_writers_check_applies_the_same_rules(tmp_path: Path) -> None:
    write_project(tmp_path, {})
    draft = tmp_path / "draft.md"
    draft.write_text(
        "Our exosome serum is FDA approved and heals eczema.\n\n"
        "It is completely safe for everyone.\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        cli, ["-C", str(tmp_path), "check", str(draft), "--no-exit", "--no-cache"]
    )
    lines = [line for line in result.output.splitlines() if "document.wording" in line]
    text = "\n".join(lines)
    assert "claim of FDA approval" in text and 'disease claim about "eczema"' in text
    assert "absolute safety claim" in text and all("[high]" in line for line in lines)


# Development set of real copy -----------------------------------------------------------------------


def judged_by_rules(text: str, product: str | None, jurisdiction: str) -> bool:
    """Tell whether a wording or regulatory rule (not "uncited") flags a sentence."""
    settings = config(product=product, jurisdictions=(jurisdiction,))
    claim = Judged(text, (), False)
    checks = ("language.overclaim", "regulatory.status_claim", "regulatory.disease_claim")
    rules = [rule for check in checks for rule in rules_of(check, settings)]
    return bool(hits(rules, claim, UNKNOWN, settings)) or bool(
        disease_claim.claimed(text, settings)
    )


def devset() -> dict:
    if not DEVSET.is_file():
        pytest.skip("tests/data/regulatory/devset.yaml is absent")
    return yaml.safe_load(DEVSET.read_text(encoding="utf-8"))


def test_development_set_has_provenance() -> None:
    data = devset()
    for item in data["violative"] + data["acceptable"]:
        assert item["text"] and item["source"] and item["url"].startswith("http")
        assert str(item["date"]) < "2025-01-01", item


def test_rules_flag_real_violative_copy_and_spare_acceptable_wording() -> None:
    data = devset()
    flagged = [
        judged_by_rules(i["text"], i.get("product"), i.get("jurisdiction", "US"))
        for i in data["violative"]
    ]
    false = [
        judged_by_rules(i["text"], i.get("product"), i.get("jurisdiction", "US"))
        for i in data["acceptable"]
    ]
    assert sum(flagged) / len(flagged) >= 0.9, [
        i["text"] for i, f in zip(data["violative"], flagged, strict=True) if not f
    ]
    assert sum(false) / len(false) <= 0.1, [
        i["text"] for i, f in zip(data["acceptable"], false, strict=True) if f
    ]
