"""sksynth.generators."""

__all__ = []
