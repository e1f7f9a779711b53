"""Docstring substitution: one text for the parameters that several classes share."""

from __future__ import annotations

import re

__all__ = ["fill_doc"]


def fill_doc(entries):
    r"""Return a decorator that replaces ``{name}`` lines of a docstring by ``entries[name]``.

    A placeholder is a line holding only ``{name}`` (indented like the numpydoc
    entries around it); each is replaced by the shared entry, re-indented to
    match. Anything else in the docstring, braces included, is left as is.

    Parameters
    ----------
    entries : dict of str to str
        Shared numpydoc entries (``"name : type, default=...\n    text"``),
        written without leading indentation.

    Returns
    -------
    decorator : callable
        Sets the decorated object's ``__doc__`` and returns the object.

    Raises
    ------
    KeyError
        If the docstring names a placeholder that ``entries`` lacks.

    Examples
    --------
    >>> from sksynth.utils import fill_doc
    >>> @fill_doc({"seed": "seed : int\n    The seed."})
    ... def f(seed):
    ...     '''Do it.
    ...
    ...     Parameters
    ...     ----------
    ...     {seed}
    ...     '''
    >>> print(f.__doc__.strip().splitlines()[-1].strip())
    The seed.
    """

    def replace(match):
        indent, name = match.group(1), match.group(2)
        lines = entries[name].strip("\n").split("\n")
        return "\n".join(indent + line if line else line for line in lines)

    def decorator(obj):
        if obj.__doc__:
            obj.__doc__ = re.sub(r"^([ \t]*)\{(\w+)\}[ \t]*$", replace, obj.__doc__, flags=re.M)
        return obj

    return decorator
