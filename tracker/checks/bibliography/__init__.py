"""Checks on bibliography."""
