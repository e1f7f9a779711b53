"""sksynth.quality."""

__all__ = []
