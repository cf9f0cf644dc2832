"""Resolution of a page's references to bibliography entries: exact ids, fuzzy labels, vetoes."""

from __future__ import annotations

import gzip
import itertools
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.bibliography import parse_bibliography
from tracker.model import Source
from tracker.references import ParsedReference, parse_reference
from tracker.resolve import (
    MIN_TITLE,
    VETO_OVERRIDE_TITLE,
    WEIGHTS,
    Resolver,
    author_score,
    title_similarity,
    venue_score,
    words_of,
    year_score,
)


def source(key: str, **fields: str) -> Source:
    return Source(key, "article", fields, 1)


LIBRARY = {
    s.key: s
    for s in [
        source(
            "shin2021comparative",
            title="Comparative Proteomic Analysis of the Mesenchymal Stem Cells Secretome from Adipose, Bone Marrow, Placenta and {Wharton's} Jelly",
            journal="International Journal of Molecular Sciences",
            year="2021",
            doi="10.3390/ijms22020845",
            pmid="33467726",
        ),
        source(
            "drobiova2023wharton",
            title="{Wharton's} jelly mesenchymal stem cells: a concise review of their secretome and prospective clinical applications",
            journal="Frontiers in Cell and Developmental Biology",
            year="2023",
        ),
        source(
            "foo2021comparing",
            title="Comparing the Therapeutic Potential of Stem Cells and their Secretory Products in Regenerative Medicine",
            journal="Stem Cells International",
            year="2021",
        ),
        source(
            "polymers2022polymeric",
            title="Polymeric Hydrogels as Mesenchymal Stem Cell Secretome Delivery System in Biomedical Applications",
            journal="Polymers",
            year="2022",
        ),
        source(
            "thakur2023therapeutic",
            title="Therapeutic Values of Exosomes in Cosmetics, Skin Care, Tissue Regeneration, and Dermatological Diseases",
            journal="Cosmetics",
            year="2023",
            publisher="MDPI",
        ),
    ]
}


@pytest.mark.parametrize(
    ("label", "key"),
    [
        ("Comparative Proteomic Analysis of MSC Secretome – IJMS (2021)", "shin2021comparative"),
        (
            "WJ-MSC Secretome and Clinical Applications – Front. Cell Dev. Biol. (2023)",
            "drobiova2023wharton",
        ),
        (
            "Stem Cells vs. Secretome in Regenerative Medicine – Stem Cells Int. (2021)",
            "foo2021comparing",
        ),
        ("Cell Secretome Strategies for Wound Healing – Polymers (2022)", "polymers2022polymeric"),
        ("Use of Exosomes in Cosmetics – MDPI (2023)", "thakur2023therapeutic"),
        ("Exosomes in Biomedical Applications – Biomedicines (2023)", None),
        ("Stem Cells vs. Secretome in Regenerative Medicine – Stem Cells Int. (2019)", None),
        ("Unrelated Work on Knee Surgery – Polymers (2022)", None),
        (
            "Lee J. Something else entirely. Any Journal. 2021. doi:10.3390/ijms22020845",
            "shin2021comparative",
        ),
        ("PMID: 33467726", "shin2021comparative"),
    ],
)
def test_labels_resolve(label: str, key: str | None) -> None:
    assert Resolver(LIBRARY).resolve(parse_reference(label)).key == key


def test_publisher_named_as_journal_is_flagged() -> None:
    result = Resolver(LIBRARY).resolve(
        parse_reference("Use of Exosomes in Cosmetics – MDPI (2023)")
    )
    assert result.publisher_as_journal and result.method == "match"


def test_exact_ids_score_one() -> None:
    result = Resolver(LIBRARY).resolve(ParsedReference(doi="https://doi.org/10.3390/IJMS22020845"))
    assert (result.key, result.score, result.method) == ("shin2021comparative", 1.0, "doi")


def test_two_equally_good_entries_are_ambiguous_not_guessed() -> None:
    twins = {
        "a": source("a", title="Exosomes in skin care", journal="Cosmetics", year="2023"),
        "b": source("b", title="Exosomes in skin care", journal="Cosmetics", year="2023"),
    }
    result = Resolver(twins).resolve(parse_reference("Exosomes in Skin Care – Cosmetics (2023)"))
    assert result.key is None and result.method == "ambiguous"
    assert {k for k, _ in result.candidates} == {"a", "b"}


def test_placeholder_entries_resolve_as_unverifiable() -> None:
    placeholder = source(
        "x2023",
        title="Exosomes in Biomedical Applications",
        journal="Biomedicines",
        year="2023",
        verification="unverifiable",
    )
    result = Resolver(LIBRARY | {"x2023": placeholder}).resolve(
        parse_reference("Exosomes in Biomedical Applications – Biomedicines (2023)")
    )
    assert result.key == "x2023" and result.unverifiable


# ---------------------------------------------------------------------------------------------
# The indexed search scores exactly what scoring every candidate would.


def brute_force_scores(sources: dict[str, Source], ref: ParsedReference) -> dict[str, float]:
    """Score every entry sharing a title word with the reference, the slow and obvious way."""
    label = words_of(ref.title or "")
    scores = {}
    for key in Resolver(sources).candidates(ref):
        entry = sources[key]
        title = title_similarity(label, words_of(entry.get("title") or ""))
        venue, _ = venue_score(ref.journal, entry)
        year = year_score(ref.year, entry.get("year"))
        author = author_score(ref.authors, entry.get("author"))
        if title < MIN_TITLE or (title < VETO_OVERRIDE_TITLE and 0.0 in (venue, year, author)):
            continue
        parts = {"title": title, "journal": venue, "year": year, "author": author}
        known = {n: v for n, v in parts.items() if v is not None}
        scores[key] = sum(WEIGHTS[n] * v for n, v in known.items()) / sum(WEIGHTS[n] for n in known)
    return scores


@pytest.fixture(scope="module")
def acl_sample(shared: Path) -> dict[str, Source]:
    """Fifteen hundred real entries of the ACL Anthology file (titles, venues, years, authors)."""
    with gzip.open(shared / "bench" / "acl-anthology-1965-2019.bib.gz", "rt") as handle:
        head = "".join(itertools.islice(handle, 40_000))
    entries = parse_bibliography(head[: head.rfind("\n@")], "acl.bib").sources
    return dict(itertools.islice(entries.items(), 1500))


def mutated_reference(entry: Source, rng: random.Random, sources: list[Source]) -> ParsedReference:
    """A reference to entry as a page might write it: words dropped, year or author wrong."""
    words = (entry.get("title") or "").split()
    kept = [w for w in words if rng.random() > 0.3] or words[:1]
    other = rng.choice(sources)
    return ParsedReference(
        title=" ".join(kept if rng.random() < 0.8 else (other.get("title") or "").split()[:4]),
        journal=rng.choice(
            [entry.get("booktitle"), entry.get("journal"), other.get("booktitle"), None]
        ),
        year=rng.choice([entry.get("year"), other.get("year"), None]),
        authors=rng.choice([entry.get("author"), other.get("author"), None]),
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1))
def test_indexed_scores_equal_brute_force(acl_sample: dict[str, Source], seed: int) -> None:
    rng = random.Random(seed)
    entries = list(acl_sample.values())
    ref = mutated_reference(rng.choice(entries), rng, entries)
    found = {key: score for key, (score, _) in Resolver(acl_sample).scores(ref)}
    assert found == pytest.approx(brute_force_scores(acl_sample, ref))


@pytest.mark.parametrize(
    ("bibtex", "reference"),
    [
        ("van der Berg, Jan and Lee, Kim", "van der Berg J, Lee K"),
        ("Jan van der Berg", "Berg J van der"),
        ("de Souza, Maria", "de Souza M"),
        ("Müller, Hans", "Muller H"),
        ('M{\\"u}ller, Hans', "Müller H"),
        ("{World Health Organization}", "World Health Organization. Guidelines"),
        ("{Acme and Sons} and Smith, J.", "Acme and Sons"),
        ("Shin, Sungho AND Lee, Jin", "Shin S, Lee J"),
    ],
)
def test_first_authors_meet_across_bibtex_and_reference_styles(bibtex, reference):
    assert author_score(reference, bibtex) == 1.0


@pytest.mark.parametrize(
    ("bibtex", "reference"),
    [("van der Berg, Jan", "Lee K, van der Berg J"), ("Shin, Sungho", "Shinn S")],
)
def test_different_first_authors_do_not_meet(bibtex, reference):
    assert author_score(reference, bibtex) == 0.0


@pytest.mark.parametrize(
    ("title", "tokens"),
    [
        ("Sécurité des cellules souches", ("securite", "des", "cellules", "souches")),
        ('M{\\"u}ller glia', ("muller", "glia")),
        ("Müller glia", ("muller", "glia")),
        ("Caf\\'e culture", ("cafe", "culture")),
        ("Wharton's jelly", ("wharton", "jelly")),
    ],
)
def test_title_words_are_unicode_and_meet_their_ascii_spelling(title, tokens):
    assert words_of(title).tokens == tokens


def test_a_title_with_accents_resolves_against_its_ascii_export():
    sources = {
        "k": Source(
            "k",
            "article",
            {"title": "Securite des therapies cellulaires", "author": "Muller, H", "year": "2020"},
            1,
        )
    }
    ref = ParsedReference(
        title="Sécurité des thérapies cellulaires", authors="Müller H", year="2020"
    )
    assert Resolver(sources).resolve(ref).key == "k"


@pytest.mark.parametrize(
    "text",
    [
        "Smith J, Lee K. Zinc lozenges and colds. J Test. 2020.",
        "Smith J. Zinc and colds. doi:10.1000/zinc.2020",
        "",
    ],
)
def test_with_no_bibliography_a_reference_is_unresolved_with_no_candidates(text: str) -> None:
    resolution = Resolver({}).resolve(parse_reference(text))
    assert (resolution.key, resolution.score, resolution.method, resolution.candidates) == (
        None,
        0.0,
        "unresolved",
        (),
    )
