"""sksynth.nn."""

__all__ = []
