"""A safe parser of arithmetic expressions over columns (numbers, names, + - * / **).

The text is parsed with :mod:`ast` and only a whitelist of nodes is accepted:
numbers, column names (a name with spaces or symbols is written between
backquotes: ```monthly income```), ``+ - * /``, powers by a number
(``x ** 3``, ``x ** 0.5``), the natural logarithm ``log(x)``, unary minus and
parentheses. A date column counts
in days since 1970-01-01, so ``end - start`` is the number of days between two
dates. Nothing is ever evaluated by Python's ``eval``; the tree is walked with
numpy.
"""

from __future__ import annotations

import ast
import re

import numpy as np

from ._values import in_days

__all__ = ["Expression"]

_BACKQUOTED = re.compile(r"`([^`]*)`")
_OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}
_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2, "**": 4}


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
        seen = []
        self._collect(self._tree, seen)
        self.columns = tuple(dict.fromkeys(seen))

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
            and node.func.id == "log" and len(node.args) == 1 and not node.keywords
        ):
            return ("log", self._check(node.args[0]))
        raise ValueError(
            f"The expression {self.text!r} holds {ast.dump(node)[:40]!r}, which is not "
            "allowed: only numbers, column names, + - * /, powers by a number, log() and "
            "parentheses."
        )

    def _collect(self, node, out):
        if node[0] == "col":
            out.append(node[1])
        elif node[0] != "num":
            for child in node[1:]:
                self._collect(child, out)

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
        if op == "log":  # log(0) is -inf, a negative number's log NaN: undefined there
            return np.log(np.asarray(self._eval(node[1], frame), dtype=float))
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

    def __str__(self):
        return _render(self._tree, 0)


def _name(column):
    column = str(column)  # formulas are text, whatever the column labels are
    return column if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", column) else f"`{column}`"


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
    if op == "log":
        return f"log({_render(node[1], 0)})"
    level = _PRECEDENCE[op]
    # the right operand of - and / (and both of **) need parentheses at the same level
    left = _render(node[1], level + (op == "**"))
    text = f"{left} {op} {_render(node[2], level + (op in ('-', '/', '**')))}"
    return f"({text})" if level < parent else text
