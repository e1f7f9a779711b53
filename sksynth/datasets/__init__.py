"""Bundled real datasets, fingerprints and dataset cards."""

from ._card import DatasetCard, fingerprint, make_card
from ._credit import load_credit

__all__ = ["DatasetCard", "fingerprint", "load_credit", "make_card"]
