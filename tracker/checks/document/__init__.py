"""Checks on one document as a writer has it now, before (or without) its register."""
