"""Checks of reviewers' decisions: approvals that no longer hold."""
