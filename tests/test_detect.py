"""Claim detection: examples that must be claims (with their kinds) and examples that must not."""

from __future__ import annotations

import pytest

from tracker.detect import classify
from tracker.model import KINDS

CLAIMS = [
    ("Secretome therapy accelerates wound healing.", "efficacy"),
    ("It has fewer side effects and is easy to repeat.", "safety"),
    ("Exosomes convey messages from their cell of origin.", "mechanism"),
    ("The secretome is often the superior choice.", "comparative"),
    ("Exosomes are 50–100 nm in diameter.", "quantitative"),
    ("The supernatant is rich in growth factors and cytokines.", "composition"),
    ("Studies have reported that the secretome improves motor function.", "evidence-appeal"),
    ("Products are made in facilities certified under international cGMP.", "regulatory"),
    ("The secretome refers to the collection of factors released by cells.", "background"),
    ("Microvesicles are tiny particles. [2]", "background"),
]

NOT_CLAIMS = [
    ("What Is the Secretome?", "paragraph"),
    ("Key benefits include:", "paragraph"),
    ("Please consider the following points to select appropriate therapy.", "paragraph"),
    ("Choose preparations obtained through dedicated extraction.", "paragraph"),
    ("This article clarifies the differences between exosomes and the secretome.", "paragraph"),
    ("Here is a closer look at the major constituents.", "paragraph"),
    ("Therefore, it is essential to verify where a product is manufactured.", "paragraph"),
    ("We hope this information helps those considering treatment.", "paragraph"),
    ("Learn more", "paragraph"),
    ("If you are curious about this therapy, keep reading for a simple explanation.", "paragraph"),
    ("Our team will gladly help you book a consultation with a specialist.", "paragraph"),
    ("Secretome Therapy", "heading"),
    ("Attributes Secretome Exosome", "table_header"),
    ("About Our Clinic", "table_row"),
]


@pytest.mark.parametrize(("text", "kind"), CLAIMS)
def test_claims_and_their_kinds(text: str, kind: str) -> None:
    decision = classify(text, "paragraph")
    assert decision.is_claim
    assert kind in decision.kinds
    assert decision.reasons


@pytest.mark.parametrize(("text", "block"), NOT_CLAIMS)
def test_not_claims_say_why(text: str, block: str) -> None:
    decision = classify(text, block)
    assert not decision.is_claim
    assert decision.reasons


def test_every_kind_has_an_example() -> None:
    assert {kind for _, kind in CLAIMS} == set(KINDS)


def test_table_rows_with_values_are_comparisons() -> None:
    decision = classify("Cytokines Rich Included, small amount", "table_row")
    assert decision.is_claim and decision.kinds == ("composition", "comparative")


def test_reference_list_entries_are_not_claims() -> None:
    assert not classify("Exosomes modulate inflammation.", "paragraph", in_references=True).is_claim
