"""The claims registers' public names, gathered from the modules that read, write and merge them.

A register (claims/<document>.yaml) flows through one module per stage: register_read parses
it (register_validate turns its YAML into the model), register_write renders new claims,
register_roundtrip opens a person's text for an edit in place, register_merge merges an
extraction into it, and register_edits records decisions. The tracker imports those modules;
this one keeps `from tracker.register import load_register` and the like working for users.
"""

from __future__ import annotations

from tracker.register_merge import MergeResult, merge_register
from tracker.register_read import NOT_READ, load_register, parse_register
from tracker.register_roundtrip import RegisterError
from tracker.register_validate import CITATION_FIELDS, LOCATION_FIELDS, PROBLEM_KIND, STATUSES
from tracker.register_write import (
    FLOW_CITATION_FIELDS,
    HEADER,
    citation_to_dict,
    claim_to_dict,
    claim_to_node,
    document_to_node,
    render_new_register,
    review_to_dict,
)

__all__ = [
    "CITATION_FIELDS",
    "FLOW_CITATION_FIELDS",
    "HEADER",
    "LOCATION_FIELDS",
    "NOT_READ",
    "PROBLEM_KIND",
    "STATUSES",
    "MergeResult",
    "RegisterError",
    "citation_to_dict",
    "claim_to_dict",
    "claim_to_node",
    "document_to_node",
    "load_register",
    "merge_register",
    "parse_register",
    "render_new_register",
    "review_to_dict",
]
