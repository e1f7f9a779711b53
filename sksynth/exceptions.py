"""Warnings and errors raised by sksynth."""

__all__ = [
    "SksynthDeprecationWarning",
    "DataQualityWarning",
    "TrainingDivergedError",
]


class SksynthDeprecationWarning(FutureWarning):
    """Warning for deprecated sksynth behaviour (errors in our own test suite)."""


class DataQualityWarning(UserWarning):
    """Warning about a property of the data that may hurt downstream results."""


class TrainingDivergedError(ValueError, RuntimeError):
    """Raised when a generator's loss becomes NaN or infinite during training.

    The message names the hyperparameter(s) to change (usually ``lr``).
    """
