"""Reversible encoding of mixed-type tables for generative models."""

from ._encoder import TabularEncoder
from ._spans import RareLevels, Span

__all__ = ["RareLevels", "Span", "TabularEncoder"]
