"""Checks of the quotes that citations give as the supporting passage of a source."""
