"""The review app (`tracker serve`): a local web app over the project folder.

Reviewers read each claim beside its source, record verdicts, anchor quotes, dismiss findings
with a reason and approve documents. The registers stay the source of truth: every action is
a round-trip edit through tracker.decisions.
"""
