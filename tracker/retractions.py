"""Retraction data (placeholder until the retractions module is written)."""

from __future__ import annotations


class Retractions:
    """Placeholder type."""
