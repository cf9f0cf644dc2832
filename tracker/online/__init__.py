"""Look sources up in Crossref, PubMed and OpenAlex: the tracker's only network access.

Nothing here runs unless a person asks (`tracker verify`, `tracker add`); the results are
stored by tracker.verification, which the checks and reports read without the network.
"""
