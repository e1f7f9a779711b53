"""sksynth.metrics."""

__all__ = []
