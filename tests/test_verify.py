"""`tracker verify` and `tracker add` against recorded, real-shaped service answers.

No test touches the internet: a local server (pytest-httpserver) answers as Crossref,
PubMed and OpenAlex do, from the recordings in tests/data/services (its README says where
each comes from), at the base URLs the TRACKER_*_URL variables give, with path prefixes.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from lxml import etree
from werkzeug import Request, Response

from tracker.bibliography import load_bibliography
from tracker.cli import cli
from tracker.online.add import AddError, identify
from tracker.online.http import Client
from tracker.online.verify import verify_project
from tracker.project import load_project
from tracker.verification import load_results

from .conftest import REGISTER, write_project

SERVICES = Path(__file__).parent / "data" / "services"
TODAY = "2026-12-06"
GEARY_DOI, GEARY_PMID = "10.1016/j.addr.2015.01.008", "25666165"
WAKEFIELD_DOI = "10.1016/s0140-6736(97)11096-0"
MAKRIS_DOI = "10.1073/pnas.1414271111"


def recorded(name: str) -> str:
    return (SERVICES / name).read_text(encoding="utf-8")


def articles(name: str) -> dict[str, str]:
    """Return the PubmedArticle elements of a recorded efetch answer, by PMID."""
    root = etree.fromstring(recorded(name).encode())
    return {
        a.findtext("MedlineCitation/PMID"): etree.tostring(a, encoding="unicode")
        for a in root.iter("PubmedArticle")
    }


@dataclass
class Services:
    """What the local server answers, service by service; a test changes what it needs."""

    crossref: dict[str, str] = field(default_factory=dict)  # DOI -> recording
    openalex: dict[str, str] = field(default_factory=dict)  # "doi:..." / "pmid:..." -> recording
    summaries: dict[str, Any] = field(default_factory=dict)  # PMID -> esummary item
    efetch: dict[str, str] = field(default_factory=dict)  # PMID -> PubmedArticle XML
    search: str = "crossref/query-no-match.json"
    failures: list[Response] = field(default_factory=list)  # answered first, in turn
    delay: float = 0.0  # seconds before each answer
    requests: list[str] = field(default_factory=list)

    def answer(self, request: Request) -> Response:
        self.requests.append(request.full_path)
        if self.delay:
            time.sleep(self.delay)
        if self.failures:
            return self.failures.pop(0)
        service, _, rest = request.path.strip("/").partition("/")
        return getattr(self, f"_{service}")(rest, request)

    def _crossref(self, rest: str, request: Request) -> Response:
        if rest == "works":
            return Response(recorded(self.search), content_type="application/json")
        doi = rest.removeprefix("works/").lower()
        if doi in self.crossref:
            return Response(recorded(self.crossref[doi]), content_type="application/json")
        return Response(recorded("crossref/not-found.txt"), 404, content_type="text/plain")

    def _openalex(self, rest: str, request: Request) -> Response:
        name = rest.removeprefix("works/").lower()
        if name in self.openalex:
            return Response(recorded(self.openalex[name]), content_type="application/json")
        return Response(recorded("openalex/not-found.html"), 404, content_type="text/html")

    def _pubmed(self, rest: str, request: Request) -> Response:
        pmids = request.args.get("id", "").split(",")
        if rest == "esummary.fcgi":
            missing = {"error": "cannot get document summary"}
            result: dict[str, Any] = {"uids": pmids}
            result |= {p: self.summaries.get(p, {"uid": p, **missing}) for p in pmids}
            body = {"header": {"type": "esummary", "version": "0.3"}, "result": result}
            return Response(json.dumps(body), content_type="application/json")
        found = "".join(self.efetch[p] for p in pmids if p in self.efetch)
        return Response(f"<PubmedArticleSet>{found}</PubmedArticleSet>", content_type="text/xml")


GEARY_SUMMARY = json.loads(recorded("pubmed/esummary-found.json"))["result"][GEARY_PMID]


def geary_everywhere(services: Services) -> None:
    services.crossref[GEARY_DOI] = "crossref/work-found.json"
    services.openalex[f"doi:{GEARY_DOI}"] = "openalex/work-found.json"
    services.summaries[GEARY_PMID] = GEARY_SUMMARY
    services.efetch |= articles("pubmed/efetch-found.xml")


@pytest.fixture
def services(httpserver, monkeypatch) -> Services:
    answers = Services()
    httpserver.expect_request(re.compile(".*")).respond_with_handler(answers.answer)
    for name, prefix in (("CROSSREF", "crossref"), ("PUBMED", "pubmed"), ("OPENALEX", "openalex")):
        monkeypatch.setenv(f"TRACKER_{name}_URL", httpserver.url_for(f"/{prefix}"))
    return answers


GEARY = """\
@article{geary2015pharmacokinetics,
  author = {Geary, Richard S and Norris, Daniel and Yu, Rosie and Bennett, C Frank},
  title = {Pharmacokinetics, Biodistribution and Cell Uptake of Antisense Oligonucleotides},
  journal = {Advanced Drug Delivery Reviews},
  year = {2015},
  doi = {https://doi.org/10.1016/J.ADDR.2015.01.008},
  pmid = {25666165}
}
"""


def project_with(tmp_path: Path, bib: str) -> Path:
    """A project whose one claim cites the bibliography's first entry."""
    key = re.search(r"@\w+\{([^,]+),", bib).group(1)  # type: ignore[union-attr]
    register = REGISTER.replace("smith2020trial", key)
    return write_project(tmp_path, {"references.bib": bib, "claims/page.yaml": register})


def run_verify(root: Path, **options: Any) -> Any:
    client = Client(sleep=lambda seconds: None)
    return verify_project(load_project(root), TODAY, client=client, **options)


def findings_of(root: Path) -> list[tuple[str, str]]:
    result = CliRunner().invoke(cli, ["check", "-C", str(root), "--no-cache", "--format", "json"])
    return [(f["check"], f["message"]) for f in json.loads(result.output)["findings"]]


def test_a_work_found_everywhere(tmp_path: Path, services: Services) -> None:
    geary_everywhere(services)
    root = project_with(tmp_path, GEARY)
    run = run_verify(root)
    (result,) = run.results.values()
    assert result.status == "found" and result.services == ["Crossref", "OpenAlex", "PubMed"]
    checks = [check for check, _ in findings_of(root)]
    assert not {"sources.not_found", "sources.metadata_mismatch"} & set(checks)
    # The level comes from PubMed's publication types; the abstract becomes the source's text.
    from tracker.evidence import evidence_of

    project = load_project(root)
    source = project.bibliography.sources["geary2015pharmacokinetics"]
    evidence = evidence_of(source, project.verification[source.key])
    assert evidence.level == "narrative-review"
    assert evidence.reason == "PubMed publication type: Review (verified on 2026-12-06)"
    text = (root / "sources" / "geary2015pharmacokinetics.txt").read_text(encoding="utf-8")
    assert text.startswith("# abstract from PubMed (PMID 25666165), retrieved 2026-12-06")
    assert "Pharmacokinetic properties of oligonucleotides" in text


def test_a_second_run_asks_nothing_and_offline_never_asks(tmp_path: Path, services) -> None:
    geary_everywhere(services)
    root = project_with(tmp_path, GEARY)
    first = run_verify(root)
    assert first.requests == len(services.requests) >= 4
    asked = len(services.requests)
    again, offline = run_verify(root), run_verify(root, offline=True)
    assert again.requests == offline.requests == 0 and len(services.requests) == asked
    assert again.results == offline.results == first.results
    refreshed = run_verify(root, refresh=True)
    assert refreshed.requests == first.requests


def test_a_fabricated_doi_is_not_found(tmp_path: Path, services: Services) -> None:
    bib = GEARY.replace("10.1016/J.ADDR.2015.01.008", "10.1016/j.addr.2015.99.999").replace(
        "  pmid = {25666165}\n", ""
    )
    root = project_with(tmp_path, bib.replace(",\n}", "\n}"))
    run_verify(root)
    ((_, message),) = [f for f in findings_of(root) if f[0] == "sources.not_found"]
    assert (
        "the DOI 10.1016/j.addr.2015.99.999 resolves to no record in Crossref or OpenAlex"
        in message
    )
    assert "tried Crossref works/10.1016/j.addr.2015.99.999" in message


def test_a_mistyped_pmid_is_not_found(tmp_path: Path, services: Services) -> None:
    geary_everywhere(services)
    root = project_with(tmp_path, GEARY.replace("25666165", "99999999"))
    run_verify(root)
    messages = [m for c, m in findings_of(root) if c == "sources.not_found"]
    assert messages and "the PMID 99999999 resolves to no record in PubMed" in messages[0]


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (("{2015}", "{2013}"), 'year "2013" where Crossref has "2015"'),
        (
            ("Geary, Richard S", "Smith, Anna"),
            'first author "Smith, Anna" where Crossref has "Geary"',
        ),
        (("Advanced Drug Delivery Reviews", "Nature Medicine"), 'journal "Nature Medicine"'),
        (("Pharmacokinetics, Biodistribution", "Toxicity, Metabolism"), "title"),
    ],
)
def test_an_entry_that_differs_from_its_record(tmp_path, services, change, said) -> None:
    geary_everywhere(services)
    root = project_with(tmp_path, GEARY.replace(*change))
    run_verify(root)
    ((_, message),) = [f for f in findings_of(root) if f[0] == "sources.metadata_mismatch"]
    assert said in message and "record of its DOI 10.1016/j.addr.2015.01.008" in message


def test_a_retraction_in_crossrefs_update_relations(tmp_path: Path, services: Services) -> None:
    services.crossref[WAKEFIELD_DOI] = "crossref/retracted-original.json"
    services.openalex[f"doi:{WAKEFIELD_DOI}"] = "openalex/work-retracted.json"
    bib = (
        "@article{wakefield1998ileal,\n  author = {Wakefield, A J},\n"
        "  title = {Ileal-lymphoid-nodular hyperplasia, non-specific colitis, and pervasive"
        " developmental disorder in children},\n  journal = {The Lancet},\n  year = {1998},\n"
        "  doi = {10.1016/S0140-6736(97)11096-0}\n}\n"
    )
    root = project_with(tmp_path, bib)
    run_verify(root)
    found = findings_of(root)
    ((_, message),) = [f for f in found if f[0] == "sources.retracted"]
    assert message.startswith("retracted on 2010-02-06 (Crossref, as of 2026-12-06")
    assert "notice doi 10.1016/s0140-6736(10)60175-4" in message
    assert "also corrected on 2004-03-06" in message
    assert not [f for f in found if f[0] == "sources.metadata_mismatch"]  # "RETRACTED:" aside


def test_a_correction_is_a_warning(tmp_path: Path, services: Services) -> None:
    services.crossref[MAKRIS_DOI] = "crossref/corrected-original.json"
    bib = (
        "@article{makris2014developing,\n  author = {Makris, Eleftherios A},\n  title = {Developing"
        " functional musculoskeletal tissues through hypoxia and lysyl oxidase-induced collagen"
        " cross-linking},\n  journal = {Proceedings of the National Academy of Sciences},\n"
        "  year = {2014},\n  doi = {10.1073/pnas.1414271111}\n}\n"
    )
    root = project_with(tmp_path, bib)
    run_verify(root)
    result = CliRunner().invoke(cli, ["check", "-C", str(root), "--no-cache", "--format", "json"])
    (finding,) = [
        f for f in json.loads(result.output)["findings"] if f["check"] == "sources.retracted"
    ]
    assert finding["severity"] == "warning" and "corrected on 2015-05-04" in finding["message"]


@pytest.mark.parametrize(
    ("failures", "said"),
    [
        ([Response("down", 503)] * 4, "Crossref answered 503"),
        (
            [Response('{"status": "ok", "message": {"tit', content_type="application/json")],
            "Crossref answered with malformed JSON",
        ),
    ],
    ids=["503 every time", "malformed JSON"],
)
def test_a_service_that_fails_is_said_never_passed(tmp_path, services, failures, said) -> None:
    """Crossref fails; OpenAlex and PubMed still find the work, so it is found in part."""
    geary_everywhere(services)
    services.failures = list(failures)
    root = project_with(tmp_path, GEARY)
    (result,) = run_verify(root).results.values()
    assert result.status == "found" and result.error == said
    ((_, message),) = [f for f in findings_of(root) if f[0] == "sources.lookup_failed"]
    assert "was verified only in part on 2026-12-06 (found in OpenAlex, PubMed)" in message
    assert run_verify(root).looked_up == ["geary2015pharmacokinetics"]  # asked again


def test_429_waits_as_retry_after_asks(tmp_path: Path, services: Services) -> None:
    geary_everywhere(services)
    services.failures = [Response("busy", 429, headers={"Retry-After": "2"})]
    root = project_with(tmp_path, GEARY)
    waits: list[float] = []
    run = verify_project(load_project(root), TODAY, client=Client(sleep=waits.append))
    (result,) = run.results.values()
    assert result.status == "found" and result.error is None and 2.0 in waits


def test_no_answer_at_all_is_a_failed_lookup_not_a_crash(tmp_path, services) -> None:
    geary_everywhere(services)
    services.delay = 0.5
    root = project_with(tmp_path, GEARY)
    client = Client(timeout=0.1, sleep=lambda seconds: None)
    (result,) = verify_project(load_project(root), TODAY, client=client).results.values()
    assert result.status == "failed" and "did not answer in 0.1 s" in (result.error or "")
    ((_, message),) = [f for f in findings_of(root) if f[0] == "sources.lookup_failed"]
    assert "could not be verified on 2026-12-06" in message


def test_a_source_without_identifiers_is_found_by_its_title(tmp_path, services) -> None:
    services.search = "crossref/query-found.json"
    bib = GEARY.replace("  doi = {https://doi.org/10.1016/J.ADDR.2015.01.008},\n", "")
    root = project_with(tmp_path, bib.replace("  pmid = {25666165}\n", "").replace("},\n}", "}\n}"))
    (result,) = run_verify(root).results.values()
    assert result.status == "found" and result.proposed_doi == GEARY_DOI
    services.search = "crossref/query-no-match.json"
    (result,) = run_verify(root, refresh=True).results.values()
    assert result.status == "not_found" and "no work matches the title" in (result.error or "")


@pytest.mark.parametrize(
    ("name", "level"),
    [
        ("pubmed/efetch-meta-analysis.xml", "meta-analysis"),
        ("pubmed/efetch-rct.xml", "rct"),
        ("pubmed/efetch-animal.xml", "animal"),
        ("pubmed/efetch-found.xml", "narrative-review"),
    ],
)
def test_pubmed_records_give_the_level_of_evidence(name: str, level: str) -> None:
    from tracker.online.pubmed import record_of
    from tracker.verification import record_level

    ((_, xml),) = articles(name).items()
    found = record_level(record_of(etree.fromstring(xml.encode())))
    assert found is not None and found[0] == level


def test_verify_command_json_shape(tmp_path: Path, services: Services) -> None:
    geary_everywhere(services)
    root = project_with(tmp_path, GEARY)
    result = CliRunner().invoke(cli, ["verify", "-C", str(root), "--format", "json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert set(payload) == {"findings", "summary", "sources"}
    (source,) = payload["sources"]
    assert source == {
        "key": "geary2015pharmacokinetics",
        "status": "found",
        "checked": source["checked"],
        "evidence_level": "narrative-review",
        "retraction": None,
    }
    assert (root / "sources" / "verification.json").is_file()


def test_the_report_says_when_a_source_was_verified(tmp_path: Path, services) -> None:
    root = project_with(tmp_path, GEARY)
    out = tmp_path / "out"
    CliRunner().invoke(cli, ["report", "-C", str(root), "--output", str(out)])
    assert "not verified yet: tracker verify looks it up" in (out / "evidence.md").read_text()
    geary_everywhere(services)
    run_verify(root)
    CliRunner().invoke(cli, ["report", "-C", str(root), "--output", str(out)])
    text = (out / "evidence.md").read_text()
    assert "found in Crossref, OpenAlex and PubMed on 2026-12-06" in text


# ---------------------------------------------------------------------------------------------
# tracker add


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10.3390/ijms22052551", ("doi", "10.3390/ijms22052551")),
        ("https://doi.org/10.3390/IJMS22052551", ("doi", "10.3390/ijms22052551")),
        ("doi:10.3390/ijms22052551.", ("doi", "10.3390/ijms22052551")),
        ("PMID: 33807701", ("pmid", "33807701")),
        ("https://pubmed.ncbi.nlm.nih.gov/33807701/", ("pmid", "33807701")),
        ("33807701", ("pmid", "33807701")),
    ],
)
def test_identifiers_as_people_paste_them(text: str, expected) -> None:
    assert identify(text) == expected


def test_junk_is_not_an_identifier() -> None:
    with pytest.raises(AddError, match="neither a DOI nor a PMID"):
        identify("the Shin paper")


def test_add_appends_an_entry_and_keeps_the_file(tmp_path: Path, services: Services) -> None:
    geary_everywhere(services)
    kept = "% curated by the review team\n@misc{old, title = {Kept as written}}\n"
    root = project_with(tmp_path, kept)
    result = CliRunner().invoke(cli, ["add", "-C", str(root), f"https://doi.org/{GEARY_DOI}"])
    assert result.exit_code == 0, result.output
    text = (root / "references.bib").read_text(encoding="utf-8")
    assert text.startswith(kept)
    source = load_bibliography(root / "references.bib").sources["geary2015pharmacokinetics"]
    assert source.doi == GEARY_DOI and source.get("author").startswith("Geary, Richard S.")
    assert source.pmid == GEARY_PMID  # from OpenAlex's record of the DOI
    for again in (GEARY_DOI, f"PMID: {GEARY_PMID}"):
        result = CliRunner().invoke(cli, ["add", "-C", str(root), again])
        assert result.exit_code == 2
        assert "already in the bibliography as geary2015pharmacokinetics" in result.output


def test_nothing_touches_the_network_without_being_asked(tmp_path, services) -> None:
    root = project_with(tmp_path, GEARY)
    for command in (["check"], ["report", "--output", str(tmp_path / "r")], ["export"]):
        CliRunner().invoke(cli, [*command, "-C", str(root)])
    CliRunner().invoke(cli, ["verify", "--offline", "-C", str(root)])
    assert services.requests == []
    assert load_results(root) == {}


def test_citing_the_retraction_notice_itself_is_not_flagged(tmp_path, services) -> None:
    notice = "10.1016/s0140-6736(10)60175-4"
    services.crossref[notice] = "crossref/retraction-notice.json"
    bib = (
        "@article{lancet2010retraction,\n  author = {{The Editors of The Lancet}},\n"
        "  title = {Retraction—Ileal-lymphoid-nodular hyperplasia, non-specific colitis, and"
        " pervasive developmental disorder in children},\n  journal = {The Lancet},\n"
        f"  year = {{2010}},\n  doi = {{{notice}}}\n}}\n"
    )
    root = project_with(tmp_path, bib)
    (result,) = run_verify(root).results.values()
    assert result.status == "found"
    assert [c for c, _ in findings_of(root) if c == "sources.retracted"] == []


def test_a_title_search_proposes_the_doi_to_add(tmp_path: Path, services: Services) -> None:
    services.search = "crossref/query-found.json"
    bib = GEARY.replace("  doi = {https://doi.org/10.1016/J.ADDR.2015.01.008},\n", "")
    root = project_with(tmp_path, bib.replace("  pmid = {25666165}\n", "").replace("},\n}", "}\n}"))
    run_verify(root)
    ((_, message),) = [f for f in findings_of(root) if f[0] == "sources.missing_ids"]
    assert f"found it by its title, author and year: add doi = {{{GEARY_DOI}}}" in message


def test_a_source_known_only_by_its_pmcid(tmp_path: Path, services: Services) -> None:
    services.openalex["pmcid:pmc4321"] = "openalex/work-found.json"
    bib = (
        "@article{geary2015pharmacokinetics,\n  author = {Geary, Richard S},\n  title = {"
        "Pharmacokinetics, biodistribution and cell uptake of antisense oligonucleotides},\n"
        "  journal = {Advanced Drug Delivery Reviews},\n  year = {2015},\n  pmcid = {PMC4321}\n}\n"
    )
    root = project_with(tmp_path, bib)
    (result,) = run_verify(root).results.values()
    assert result.status == "found" and "OpenAlex works/pmcid:PMC4321" in result.tried
