"""zeallot's ``%<-%`` for Python: ``unpack()`` takes the R left-hand side verbatim.

R workshop code unpacks with zeallot 0.1::

    c(c(x_train, y_train), c(x_test, y_test)) %<-% dataset_mnist()

and kerasr takes that pattern as a string, so R code is copied as is::

    unpack("c(c(x_train, y_train), c(x_test, y_test))", dataset_mnist(), into=globals())

``unpack()`` returns a :class:`~kerasr.named_list.NamedList` of the bindings in pattern
order (so ``a, b = unpack("c(a, b)", v)`` works anywhere) and, given ``into`` (a dict such
as ``globals()``), binds the names there too, which is what a notebook wants.

Semantics are zeallot 0.1's:

- nesting ``c(a, c(b, d))``; a nested value is unpacked only from a list (list, tuple,
  NamedList, dict), never from an array or a string, as zeallot does;
- one collector per depth, anywhere: ``c(first, ...rest)``, ``c(...head, last)``,
  ``c(a, ...mid, b)``; the anonymous ``...`` discards; a collector needs at least one value
  unless it has a default (``c(a, ...b = 4)``);
- ``.`` skips one value and is never bound;
- defaults ``c(a, b = 2)``, used only when the values run out; a default is an R literal
  (number, string, TRUE/FALSE/NULL/NA/Inf/NaN, ``c()``/``list()`` of those) or the name of
  a variable (from ``into``, then the caller), never evaluated as Python code;
- a top-level value that is not a list or an array, or a one-element list whose element
  does not fit, goes through :func:`destructure` (a string into characters, a date into
  year/month/day, a complex into real/imaginary, a data frame into its columns);
- wrong numbers of values and malformed patterns raise :class:`UnpackError` subclasses
  whose messages start with zeallot's own.

Differences from zeallot 0.1, on purpose:

- a collector that gathers exactly one value binds a one-element list or array, as
  Python's starred assignment does (zeallot binds the bare value);
- two collectors at one depth are rejected when the pattern is parsed (zeallot notices
  only when the numbers of names and values differ);
- assigning into parts of objects (``x$a``, ``x[[1]]``) is not supported: it raises
  :class:`UnpackPatternError`;
- a numpy array held alone in a one-element list is destructured along its first axis
  (zeallot has no ``destructure()`` method for numeric vectors);
- defaults are R literals or variable names, not arbitrary R expressions (``b = f(x)``
  or ``b = n * 2`` raise :class:`UnpackPatternError`: compute the value first); a name
  that does not exist raises :class:`UnpackDefaultError` when the default is needed.
"""

from __future__ import annotations

from .destructure import destructure
from .errors import (
    UnpackDefaultError,
    UnpackError,
    UnpackPatternError,
    UnpackSyntaxError,
    UnpackValueCountError,
)
from .unpack import unpack

__all__ = [
    "UnpackDefaultError",
    "UnpackError",
    "UnpackPatternError",
    "UnpackSyntaxError",
    "UnpackValueCountError",
    "destructure",
    "unpack",
]
