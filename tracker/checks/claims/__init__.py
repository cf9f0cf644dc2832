"""Checks on claims."""
