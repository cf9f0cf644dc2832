"""Checks on citations."""
