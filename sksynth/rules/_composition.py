"""Which rules can be kept together, and in which order they are undone.

A kept rule either defines columns from others (a formula, the larger side of
an order, a date part) or shapes the values of one column (a grid, point
masses, bounds). Two rules that set one column clash unless one of them can
follow the other (see :func:`clash`); the rules are undone after sampling in
an order where each comes after the rules producing what it reads
(:func:`undo_order`).
"""

from __future__ import annotations

__all__ = ["clash", "defined", "produced", "read_computed_dates", "shaped_bands", "undo_order"]


def read_computed_dates(rules):
    """Let the parts of a date that another rule computes be read from it.

    A weekday (hour, minute) part is learnt and moves its date (see
    ``DatePart._anchors``); where another of ``rules`` computes that date (the
    larger side of an order), the part is read from the computed date instead,
    so that both rules can be kept. The rules are changed in place.
    """
    computed = {
        c for r in rules if r.role == "define" and r.kind != "date part" for c in r._writes()
    }
    for rule in rules:
        if rule.kind == "date part" and rule.date in computed:
            rule._date_computed = True


def defined(rule):
    """Columns whose values the rule sets from other columns (not learned)."""
    if rule.role != "define":
        return ()
    if rule.kind == "combinations":
        return rule.columns
    return rule._writes()


def produced(rule):
    """Columns whose values the rule sets: those it defines, or the one it shapes."""
    return rule._writes() if rule.role == "define" else rule.columns[:1]


def clash(rule, kept):
    """Why ``rule`` cannot be kept together with the ``kept`` rules, or None."""
    setters = {c: r for r in kept if r.role == "define" for c in produced(r)}
    shaped = {}  # every rule shaping a column, not only the last one
    for r in kept:
        if r.role != "define":
            for c in r.columns[:1]:
                shaped.setdefault(c, []).append(r)
    merged = {c: r for r in kept if r.kind == "combinations" for c in r.columns}
    made = produced(rule)
    for column in rule.columns:
        if column in merged and rule is not merged[column]:
            return (
                f"{rule.formula!r} and {merged[column].formula!r} both involve {column!r}, "
                "which the latter merges with other columns; keep one of them."
            )
    if rule.kind == "combinations" and any(c in setters or c in shaped for c in rule.columns):
        return f"{rule.formula!r} involves columns that other rules already set."
    for column in made:
        others = [setters[column]] if column in setters else []
        if rule.role == "define":
            others += shaped.get(column, [])
        else:
            others += [r for r in shaped.get(column, []) if _off_the_clock(rule, r)]
        for other in others:
            if (
                _after_order(rule, other, kept) or _in_band(rule, other)
                or _shaped_band(rule, other) or _one_calendar(rule, other)
                or _one_larger_side(rule, other)
            ):
                continue
            return (
                f"The rules {other.formula!r} and {rule.formula!r} both set column "
                f"{column!r}; they cannot be kept together (keep one of them)."
            )
    if rule._reads():
        # a cycle: the rule reads a column that (through kept rules) comes from its own
        ancestors = _ancestors(set(rule._reads()), kept)
        if ancestors & set(made):
            return f"{rule.formula!r} and the other rules form a cycle; keep fewer of them."
    return None


def _after_order(first, second, kept):
    """Whether a rule shaping an order's larger side can follow the order.

    ``low + gap`` with ``gap >= 0`` rounded onto a grid (or onto its row's
    round step), and moved one step up where the rounding took it below
    ``low``, stays above ``low``; raising it to a lower bound keeps it above
    ``low`` too; point masses put a mass only on rows where it is not below
    ``low``; zeros that follow the zeros of ``low`` itself are not below it:
    such a rule is applied after the order.
    """
    order, shaper = (first, second) if first.kind == "order" else (second, first)
    if order.kind != "order" or shaper.role == "define":
        return False
    if shaper.kind == "range":
        return shaper.high is None
    if shaper.kind == "zero iff":  # with the only order on the column
        orders = {r for r in (*kept, order) if r.kind == "order" and r.high == order.high}
        return all(r.low == shaper.by for r in orders)
    # a grid (or a row's round step) rounds ``low + gap`` to its nearest step and
    # moves it one step up where that fell below ``low`` (see ``floor_``)
    return shaper.kind in ("grid", "rounding", "point masses")


def _off_the_clock(first, second):
    """Whether the rules are a clock time and a grid or round steps of its column.

    Steps of an ``hhmm`` number (multiples of 5 or 10) are not all clock
    times (1260), and the clock time is learnt in minutes, not on those steps.
    """
    return {first.kind, second.kind} in ({"clock time", "grid"}, {"clock time", "rounding"})


def _one_larger_side(first, second):
    """Whether the rules are two orders with one larger side (``a <= c`` and ``b <= c``).

    The first kept one computes the larger side above the largest smaller
    side of each row (see ``Inequality._join``), so every order holds.
    """
    return first.kind == second.kind == "order" and first.high == second.high


def _shaped_band(first, second):
    """Whether the rules are a band and a range, a grid or an order of its column.

    The band computes its column within the range, on the grid and above the
    order's smaller side, where its formula allows that on every row;
    :func:`shaped_bands` lists such pairs for the keeper to check on the
    training rows (``Band._refusal_beside``).
    """
    band, other = (first, second) if first.kind == "band" else (second, first)
    return band.kind == "band" and _shapes(other, band)


def _shapes(rule, band):
    return (rule.kind in ("range", "grid") and rule.column == band.target) or (
        rule.kind == "order" and rule.high == band.target
    )


def shaped_bands(kept):
    """Return the ``(band, range, grid or order)`` pairs of ``kept`` on one column."""
    return [
        (band, rule) for band in kept if band.kind == "band"
        for rule in kept if _shapes(rule, band)
    ]


def _in_band(first, second):
    """Whether the rules are a band and point masses of its target.

    The band computes the column from the row's position in it; the masses are
    then put back on the rows the generator marks, where the row's band holds
    the mass (see ``PointMasses.band_``).
    """
    return {first.kind, second.kind} == {"band", "point masses"}


def _one_calendar(first, second):
    """Whether the rules are two learnt parts of one date (its weekday and its hour).

    Each moves the date within its own cycle and keeps the other parts of its
    clock time, so they can be undone in either order.
    """
    return (
        first.kind == second.kind == "date part"
        and first._anchors() and second._anchors() and first.part != second.part
    )


def _ancestors(columns, kept):
    found = set(columns)
    changed = True
    while changed:
        changed = False
        for rule in kept:
            if set(produced(rule)) & found:
                new = set(rule._reads()) - found
                if new:
                    found |= new
                    changed = True
    return found


# among rules on one column, minutes become clock times first, grid units become
# values, then round values are put on their steps, then masses are put back,
# then values are clipped or set
_UNDO_RANK = {
    "clock time": 0, "grid": 1, "rounding": 2, "point masses": 3, "range": 4, "zero iff": 5,
    "missingness": 6,
}


def undo_order(rules):
    """Order in which rules are undone: a rule after those producing what it reads."""
    remaining = sorted(rules, key=lambda r: _UNDO_RANK.get(r.kind, len(_UNDO_RANK)))
    setters = {c for r in rules if r.role == "define" for c in produced(r)}
    order = []
    while remaining:
        for i, rule in enumerate(remaining):
            needs = set(rule._reads())
            # a shaper of a column another rule sets (an order's larger side, a
            # band's column) comes after that rule
            own = {c for c in rule.columns[:1] if c in setters} if rule.role != "define" else set()
            waiting = [
                r for r in remaining
                if r is not rule
                and (set(produced(r)) & needs or (r.role == "define" and set(produced(r)) & own))
            ]
            if not waiting:
                order.append(remaining.pop(i))
                break
        else:  # pragma: no cover - cycles are refused in fit
            raise ValueError("The rules form a cycle.")
    return order
