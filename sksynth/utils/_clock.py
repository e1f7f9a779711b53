"""Zoned datetimes read on their own clock and put back in their zone."""

from __future__ import annotations

import numpy as np

__all__ = ["in_zone", "wall_clock"]


def wall_clock(dates):
    """Return the dates as local clock times, without a zone (days move by the calendar)."""
    return dates.dt.tz_localize(None) if dates.dt.tz is not None else dates


def in_zone(wall, like):
    """Return clock times in the zone and dtype of ``like``.

    A local time that a clock change skips moves forward; one it repeats
    takes the later instant.
    """
    if like.dt.tz is None:
        return wall.astype(like.dtype)
    later = np.zeros(len(wall), dtype=bool)
    zoned = wall.dt.tz_localize(like.dt.tz, ambiguous=later, nonexistent="shift_forward")
    return zoned.astype(like.dtype)
