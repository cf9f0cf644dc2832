"""The checks, one module each, in families (sources, claims, citations...) by what they look at.

A check module has an `ID` matching its dotted module path, a default `SEVERITY`, a one-line
`SUMMARY`, and `check(audit)`, which yields findings and never prints or exits. `base` holds
what every check gets; `registry` lists the checks and runs them with the project's settings.
Nothing is imported here, so importing one check imports no other.
"""
