"""A safe parser of arithmetic expressions over columns (numbers, names, + - * / **).

The text is parsed with :mod:`ast` and only a whitelist of nodes is accepted:
numbers, column names (a name with spaces or symbols is written between
backquotes: ```monthly income```), ``+ - * /``, powers by a number
(``x ** 3``, ``x ** 0.5``), unary minus, parentheses and the functions

* ``log(x)``, the natural logarithm;
* ``floor(x)``, the largest whole number not above ``x``;
* ``years(start, end)`` and ``months(start, end)``, the whole calendar years
  and months from one date to another (an age at an event);
* ``from_hhmm(t)``, the minutes since midnight of a clock time written as an
  ``hhmm`` number (1430 is 870), and ``to_hhmm(m)``, the other way round on a
  24-hour clock; ``to_hhmm(m, 2400)`` writes midnight as 2400.

A date column counts in days since 1970-01-01 UTC, so ``end - start`` is the
number of days between two dates. Nothing is ever evaluated by Python's
``eval``; the tree is walked with numpy.
"""

from __future__ import annotations

import ast
import keyword
import re

import numpy as np

from ._values import calendar_months, from_hhmm, in_days, to_hhmm

__all__ = ["Expression"]

_BACKQUOTED = re.compile(r"`([^`]*)`")
_OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}
_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2, "**": 4}
# the functions an expression may call, by name: the numbers of arguments they take
_FUNCTIONS = {
    "log": (1,), "floor": (1,), "years": (2,), "months": (2,), "from_hhmm": (1,),
    "to_hhmm": (1, 2),
}
# how ``to_hhmm`` may write midnight (its second argument)
_MIDNIGHTS = (0.0, 2400.0)


class Expression:
    """An arithmetic expression over columns, parsed once, evaluated on frames.

    Parameters
    ----------
    text : str
        The expression, e.g. ``"12 * expenditure / income"`` or
        ``"`unit price` * quantity"``.

    Attributes
    ----------
    columns : tuple of str
        The column names the expression reads, in order of appearance.
    calls : frozenset of str
        The functions the expression calls (``"log"``, ``"floor"``...).

    Examples
    --------
    >>> import pandas as pd
    >>> from sksynth.rules._expression import Expression
    >>> e = Expression("12 * x / `y z`")
    >>> e.columns
    ('x', 'y z')
    >>> e.evaluate(pd.DataFrame({"x": [1.0], "y z": [4.0]})).tolist()
    [3.0]
    """

    def __init__(self, text):
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"A formula expression must be a non-empty string; got {text!r}.")
        self.text = text
        self._names = {}
        source = _BACKQUOTED.sub(self._placeholder, text)
        if "`" in source:
            raise ValueError(f"Unbalanced backquote in the expression {text!r}.")
        try:
            tree = ast.parse(source.strip(), mode="eval")
        except SyntaxError as exc:
            raise ValueError(
                f"Cannot parse the expression {text!r}: {exc.msg}. Use numbers, column "
                "names (`back quoted` when they hold spaces), + - * / and parentheses."
            ) from None
        self._tree = self._check(tree.body)
        seen, calls = [], []
        self._collect(self._tree, seen, calls)
        self.columns = tuple(dict.fromkeys(seen))
        self.calls = frozenset(calls)

    def _placeholder(self, match):
        key = f"_col{len(self._names)}_"
        self._names[key] = match.group(1)
        return key

    def _check(self, node):
        """Return the node as nested tuples, refusing anything off the whitelist."""
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float) and not (
            isinstance(node.value, bool)
        ):
            return ("num", float(node.value))
        if isinstance(node, ast.Name):
            return ("col", self._names.get(node.id, node.id))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            inner = self._check(node.operand)
            return ("neg", inner) if isinstance(node.op, ast.USub) else inner
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
            exponent = self._check(node.right)
            if exponent[0] == "neg" and exponent[1][0] == "num":
                exponent = ("num", -exponent[1][1])
            if exponent[0] != "num":
                raise ValueError(
                    f"The expression {self.text!r} raises to a power that is not a number; "
                    "only powers by a number (e.g. x ** 2) are allowed."
                )
            return ("**", self._check(node.left), exponent)
        if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
            return (_OPERATORS[type(node.op)], self._check(node.left), self._check(node.right))
        if (
            isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            and len(node.args) in _FUNCTIONS.get(node.func.id, ()) and not node.keywords
        ):
            call = ("call", node.func.id, *(self._check(arg) for arg in node.args))
            if call[1] == "to_hhmm" and len(call) == 4 and call[3] not in (
                ("num", m) for m in _MIDNIGHTS
            ):
                raise ValueError(
                    f"The expression {self.text!r} calls to_hhmm() with a second argument "
                    "that is not 0 or 2400: it says how midnight is written."
                )
            return call
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            name = node.func.id
            counts = _FUNCTIONS.get(name, ())
            said = " or ".join(("one", "two")[n - 1] for n in counts)
            expected = (
                f"{name}() takes {said} argument{'s' if max(counts) > 1 else ''}"
                if name in _FUNCTIONS
                else f"{name}() is not a known function"
            )
            raise ValueError(
                f"The expression {self.text!r} calls {name}(): {expected}; the functions "
                f"are {', '.join(f'{n}()' for n in _FUNCTIONS)}."
            )
        raise ValueError(
            f"The expression {self.text!r} holds {ast.dump(node)[:40]!r}, which is not "
            "allowed: only numbers, column names, + - * /, powers by a number, the "
            f"functions {', '.join(f'{n}()' for n in _FUNCTIONS)} and parentheses."
        )

    def _collect(self, node, columns, calls):
        if node[0] == "col":
            columns.append(node[1])
        elif node[0] == "call":
            calls.append(node[1])
            for child in node[2:]:
                self._collect(child, columns, calls)
        elif node[0] != "num":
            for child in node[1:]:
                self._collect(child, columns, calls)

    def evaluate(self, frame):
        """Evaluate on the columns of ``frame``; return a float array.

        Division by zero gives ``inf`` or ``nan`` (no warning); missing
        values give ``nan``; a date counts in days since 1970-01-01.
        """
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.asarray(self._eval(self._tree, frame), dtype=float) * np.ones(len(frame))

    def _eval(self, node, frame):
        op = node[0]
        if op == "num":
            return node[1]
        if op == "col":
            return in_days(frame[node[1]])
        if op == "neg":
            return -self._eval(node[1], frame)
        if op == "call":
            return _call(node[1], [self._eval(arg, frame) for arg in node[2:]])
        left, right = self._eval(node[1], frame), self._eval(node[2], frame)
        if op == "+":
            return left + right
        if op == "-":
            return left - right
        if op == "*":
            return left * right
        if op == "**":
            return np.power(np.asarray(left, dtype=float), right)
        return np.true_divide(left, right)

    def interval(self, bounds):
        """Return the least and greatest values over a box of the columns, or None.

        Interval arithmetic: the result holds every value the expression can
        take when each column lies within its bounds (it may be wider than
        the exact range, never narrower).

        Parameters
        ----------
        bounds : dict
            ``column -> (low, high)`` for every column the expression reads.

        Returns
        -------
        interval : tuple of float or None
            ``(low, high)``; None where a bound cannot be given (a division by
            an interval holding zero, the log of one that is not positive, a
            fractional power of a negative number, calendar functions).
        """
        found = _interval(self._tree, bounds)
        if found is None or not all(np.isfinite(found)):
            return None
        return found

    def affine(self):
        """Return the expression as ``constant + sum of coefficient * column``, or None.

        Returns
        -------
        affine : tuple or None
            ``(coefficients, constant)``, ``coefficients`` a dict ``column ->
            number``; None where the expression is not a sum of multiples of
            its columns (a product of two columns, a power, a function).
        """
        return _affine(self._tree)

    def __str__(self):
        return _render(self._tree, 0)


def _call(name, args):
    """Apply the function ``name`` to the evaluated arguments."""
    args = [np.asarray(arg, dtype=float) for arg in args]
    if name == "log":  # log(0) is -inf, a negative number's log NaN: undefined there
        return np.log(args[0])
    if name == "floor":
        return np.floor(args[0])
    if name == "from_hhmm":
        return from_hhmm(args[0])
    if name == "to_hhmm":
        return to_hhmm(args[0], *(float(m) for m in args[1:]))
    months = calendar_months(*args)
    return months if name == "months" else np.floor(months / 12)


def _affine(node):
    """``(coefficients, constant)`` of a parsed node that is affine, else None."""
    op = node[0]
    if op == "num":
        return {}, node[1]
    if op == "col":
        return {node[1]: 1.0}, 0.0
    if op in ("call", "**"):
        return None
    parts = [_affine(child) for child in node[1:]]
    if any(part is None for part in parts):
        return None
    if op == "neg":
        return _scaled(parts[0], -1.0)
    (left, a), (right, b) = parts
    if op in ("+", "-"):
        sign = 1.0 if op == "+" else -1.0
        merged = dict(left)
        for column, k in right.items():
            merged[column] = merged.get(column, 0.0) + sign * k
        return merged, a + sign * b
    if op == "*" and not left:
        return _scaled(parts[1], a)
    if op == "*" and not right:
        return _scaled(parts[0], b)
    if op == "/" and not right and b != 0:
        return _scaled(parts[0], 1.0 / b)
    return None


def _scaled(affine, factor):
    coefficients, constant = affine
    return {column: factor * k for column, k in coefficients.items()}, factor * constant


def _interval(node, bounds):
    """Interval arithmetic on a parsed node; None where no bound can be given."""
    op = node[0]
    if op == "num":
        return node[1], node[1]
    if op == "col":
        return tuple(float(b) for b in bounds[node[1]])
    if op == "call" and node[1] in ("log", "floor"):  # both never decrease
        inner = _interval(node[2], bounds)
        if inner is None or (node[1] == "log" and inner[0] <= 0):
            return None
        return _call(node[1], [inner[0]]).item(), _call(node[1], [inner[1]]).item()
    if op == "call":
        return None
    parts = [_interval(child, bounds) for child in node[1:] if child[0] != "num" or op != "**"]
    if any(part is None for part in parts):
        return None
    if op == "neg":
        return -parts[0][1], -parts[0][0]
    if op == "**":
        (low, high), power = parts[0], node[2][1]
        if low < 0 and not float(power).is_integer():
            return None
        if low <= 0 and power < 0:
            return None
        ends = [low**power, high**power] + ([0.0] if low < 0 < high else [])
        return min(ends), max(ends)
    (a, b), (c, d) = parts
    if op == "+":
        return a + c, b + d
    if op == "-":
        return a - d, b - c
    if op == "/":
        if c <= 0 <= d:
            return None
        c, d = 1.0 / d, 1.0 / c
    ends = [a * c, a * d, b * c, b * d]
    return min(ends), max(ends)


def _name(column):
    column = str(column)  # formulas are text, whatever the column labels are
    # a Python keyword (``return``, ``class``, ``None``) would not parse as a name
    plain = re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", column) and not keyword.iskeyword(column)
    return column if plain else f"`{column}`"


def _number(value):
    return f"{value:.10g}"


def _render(node, parent):
    op = node[0]
    if op == "num":
        return _number(node[1])
    if op == "col":
        return _name(node[1])
    if op == "neg":
        return "-" + _render(node[1], 3)
    if op == "call":
        return f"{node[1]}({', '.join(_render(arg, 0) for arg in node[2:])})"
    level = _PRECEDENCE[op]
    # the right operand of - and / (and both of **) need parentheses at the same level
    left = _render(node[1], level + (op == "**"))
    text = f"{left} {op} {_render(node[2], level + (op in ('-', '/', '**')))}"
    return f"({text})" if level < parent else text
