"""Checks on the wording of claims."""
