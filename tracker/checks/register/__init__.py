"""Checks on register."""
