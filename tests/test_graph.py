"""The support graph: its queries and its exports."""

from __future__ import annotations

import io
import json
from pathlib import Path

import networkx as nx
import pytest

from tracker.graph import (
    build_graph,
    claims_supported_by,
    dependants,
    export,
    single_source_claims,
    sources_of,
    uncited_claims,
    unused_sources,
)
from tracker.project import load_project

from .conftest import BIB, REGISTER, write_project

SECOND = BIB.replace("smith2020trial", "lee2021cohort").replace("10.1000/test.1", "10.1000/test.2")
UNUSED = "@misc{idle2019,\n  title = {Idle},\n  year = {2019}\n}\n"
TWO_CLAIMS = (
    REGISTER.replace(
        "      - {key: smith2020trial, marker: '[1]', ref: 1}\n",
        "      - {key: smith2020trial}\n      - {key: lee2021cohort}\n",
    )
    + "  - id: p-000002\n    text: Zinc is a metal.\n    location: {line: 3, start: 40, end: 56}\n    kinds: [background]\n    citations: []\n"
    + "  - id: p-000003\n    text: Gone.\n    location: {line: 5, start: 60, end: 65}\n    citations: [{key: idle2019}]\n    status: vanished\n"
)


@pytest.fixture
def graph(tmp_path: Path) -> nx.DiGraph:
    write_project(
        tmp_path, {"references.bib": BIB + SECOND + UNUSED, "claims/page.yaml": TWO_CLAIMS}
    )
    return build_graph(load_project(tmp_path))


def test_queries(graph: nx.DiGraph) -> None:
    assert claims_supported_by(graph, "smith2020trial") == ["p-000001"]
    assert sorted(sources_of(graph, "p-000001")) == ["lee2021cohort", "smith2020trial"]
    assert uncited_claims(graph) == ["p-000002"]
    assert unused_sources(graph) == ["idle2019"]
    assert single_source_claims(graph) == []
    assert dependants(graph, ["lee2021cohort"]) == (["p-000001"], ["content/page.txt"])
    assert claims_supported_by(graph, "nobody") == [] and sources_of(graph, "nobody") == []


def test_vanished_claims_are_left_out(graph: nx.DiGraph) -> None:
    assert "claim:p-000003" not in graph


def test_json_export_round_trips(graph: nx.DiGraph) -> None:
    data = json.loads(export(graph, "json"))
    again = nx.node_link_graph(data, edges="edges")
    assert set(again.nodes) == set(graph.nodes) and set(again.edges) == set(graph.edges)


def test_graphml_export_reads_back(graph: nx.DiGraph) -> None:
    again = nx.read_graphml(io.BytesIO(export(graph, "graphml").encode()))
    assert set(again.edges) == set(graph.edges)
    assert again.nodes["claim:p-000001"]["kind"] == "claim"


def test_unknown_format(graph: nx.DiGraph) -> None:
    with pytest.raises(ValueError, match="use graphml or json"):
        export(graph, "dot")
