"""Checks on sources."""
