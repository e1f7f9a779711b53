"""sksynth.encoding."""

__all__ = []
