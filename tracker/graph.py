"""Build the support graph (document -> claim -> source) and answer questions about it.

The registers are the source of truth; this graph is derived from them on every run. Nodes
are named "document:<path>", "claim:<id>" and "source:<key>"; vanished claims are left out.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from typing import TYPE_CHECKING

from tracker.outputs import json_safe
from tracker.project import Project

if TYPE_CHECKING:
    import networkx as nx


def document_node(path: str) -> str:
    return f"document:{path}"


def claim_node(claim_id: str) -> str:
    return f"claim:{claim_id}"


def source_node(key: str) -> str:
    return f"source:{key}"


def build_graph(project: Project) -> nx.DiGraph:
    """Return the graph of the project's documents, active claims and sources."""
    import networkx as nx  # imported here: a writer's check of one page never needs it

    graph = nx.DiGraph()
    for key, source in project.bibliography.sources.items():
        title = source.get("title") or key
        graph.add_node(source_node(key), kind="source", key=key, label=title)
    for register, claim in project.claims():
        doc = document_node(register.document.path)
        graph.add_node(
            doc, kind="document", path=register.document.path, label=register.document.title
        )
        graph.add_node(
            claim_node(claim.id),
            kind="claim",
            id=claim.id,
            label=claim.text,
            kinds=" ".join(claim.kinds),
        )
        graph.add_edge(doc, claim_node(claim.id), relation="contains")
        for citation in claim.citations:
            if citation.key and citation.key in project.bibliography.sources:
                graph.add_edge(claim_node(claim.id), source_node(citation.key), relation="cites")
    return graph


def of_kind(graph: nx.DiGraph, kind: str) -> list[str]:
    return [node for node, data in graph.nodes(data=True) if data["kind"] == kind]


def claims_supported_by(graph: nx.DiGraph, key: str) -> list[str]:
    """Return the ids of the claims that cite a source."""
    node = source_node(key)
    if node not in graph:
        return []
    return [graph.nodes[c]["id"] for c in graph.predecessors(node)]


def sources_of(graph: nx.DiGraph, claim_id: str) -> list[str]:
    """Return the keys of the known sources a claim cites."""
    node = claim_node(claim_id)
    if node not in graph:
        return []
    return [graph.nodes[s]["key"] for s in graph.successors(node)]


def uncited_claims(graph: nx.DiGraph) -> list[str]:
    """Return the ids of the claims that cite no known source."""
    return [graph.nodes[c]["id"] for c in of_kind(graph, "claim") if graph.out_degree(c) == 0]


def unused_sources(graph: nx.DiGraph) -> list[str]:
    """Return the keys of the sources no claim cites."""
    return [graph.nodes[s]["key"] for s in of_kind(graph, "source") if graph.in_degree(s) == 0]


def single_source_claims(graph: nx.DiGraph) -> list[str]:
    """Return the ids of the claims that rest on exactly one source."""
    return [graph.nodes[c]["id"] for c in of_kind(graph, "claim") if graph.out_degree(c) == 1]


def dependants(graph: nx.DiGraph, keys: Iterable[str]) -> tuple[list[str], list[str]]:
    """Return the claims and documents that depend on any of the given sources."""
    claims = sorted({c for key in keys for c in claims_supported_by(graph, key)})
    documents = sorted({d for c in claims for d in graph.predecessors(claim_node(c))})
    return claims, [graph.nodes[d]["path"] for d in documents]


def export(graph: nx.DiGraph, fmt: str) -> str:
    """Serialise the graph as GraphML or node-link JSON."""
    import networkx as nx

    if fmt == "json":
        data = nx.node_link_data(graph, edges="edges")
        return json_safe(json.dumps(data, indent=2, ensure_ascii=False)) + "\n"
    if fmt == "graphml":
        buffer = io.BytesIO()
        nx.write_graphml(graph, buffer, encoding="utf-8")
        return buffer.getvalue().decode("utf-8")
    raise ValueError(f"unknown graph format {fmt!r} - use graphml or json")
