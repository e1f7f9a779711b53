"""The layout record of an encoded table: spans of encoded columns."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["SPAN_KINDS", "RareLevels", "Span"]

SPAN_KINDS = ("continuous", "component", "discrete", "missing")
ACTIVATIONS = ("tanh", "identity", "softmax")


@dataclass(frozen=True)
class Span:
    """A block of contiguous encoded columns that stands for one part of a column.

    Parameters
    ----------
    column : str
        The source column.
    kind : {"continuous", "component", "discrete", "missing"}
        ``"continuous"``: one scalar (a value normalised inside its mode, or a
        quantile-normalised value); ``"component"``: one-hot of the mixture
        component (mode) of a continuous column; ``"discrete"``: one-hot of the
        levels of a categorical, boolean or low-cardinality integer column;
        ``"missing"``: two slots ``[present, missing]``.
    start : int
        First encoded column.
    stop : int
        One past the last encoded column.
    activation : {"tanh", "identity", "softmax"}
        The output activation a generator should apply to this span.
    categories : tuple, default=()
        For ``"discrete"`` spans: the level each slot stands for, in slot order.
        A slot grouping several rare levels holds a :class:`RareLevels`.

    Examples
    --------
    >>> from sksynth.encoding import Span
    >>> span = Span("home", "discrete", 3, 6, "softmax", ("owner", "parents", "rent"))
    >>> span.size, span.slice
    (3, slice(3, 6, None))
    """

    column: str
    kind: str
    start: int
    stop: int
    activation: str
    categories: tuple = ()

    def __post_init__(self):
        if self.kind not in SPAN_KINDS:
            raise ValueError(f"Span kind must be one of {SPAN_KINDS}; got {self.kind!r}.")
        if self.activation not in ACTIVATIONS:
            raise ValueError(
                f"Span activation must be one of {ACTIVATIONS}; got {self.activation!r}."
            )
        if not 0 <= self.start < self.stop:
            raise ValueError(
                f"Span of column {self.column!r} needs 0 <= start < stop; "
                f"got start={self.start}, stop={self.stop}."
            )

    @property
    def slice(self) -> slice:
        """The encoded columns of this span, as a slice."""
        return slice(self.start, self.stop)

    @property
    def size(self) -> int:
        """The number of encoded columns of this span."""
        return self.stop - self.start


@dataclass(frozen=True, eq=False)
class RareLevels:
    """The category of a slot that groups the rare levels of a column.

    Decoding a row whose winning slot is this one draws one of ``levels`` with
    the given ``probabilities`` (their relative frequencies at fit).

    Parameters
    ----------
    levels : tuple
        The grouped levels.
    probabilities : tuple of float
        Their relative training frequencies; they sum to 1.

    Examples
    --------
    >>> from sksynth.encoding import RareLevels
    >>> rare = RareLevels(("x", "y"), (0.75, 0.25))
    >>> len(rare), "x" in rare
    (2, True)
    """

    levels: tuple
    probabilities: tuple

    def __len__(self) -> int:
        return len(self.levels)

    def __contains__(self, value) -> bool:
        return value in self.levels

    def __eq__(self, other) -> bool:
        if not isinstance(other, RareLevels):
            return NotImplemented
        return self.levels == other.levels and self.probabilities == other.probabilities

    def __hash__(self) -> int:
        return hash(("RareLevels", self.levels))

    def __repr__(self) -> str:
        shown = ", ".join(repr(v) for v in self.levels[:3])
        more = ", ..." if len(self.levels) > 3 else ""
        return f"RareLevels({len(self.levels)} levels: {shown}{more})"
