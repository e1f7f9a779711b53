"""Bundled real datasets, fingerprints and dataset cards."""

from ._credit import load_credit

__all__ = ["load_credit"]
