"""Checks a regulatory reviewer makes: disease claims and claims about regulatory status."""
