"""sksynth.preprocessing."""

__all__ = []
