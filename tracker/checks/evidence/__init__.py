"""Checks on the strength of the evidence claims rest on."""
