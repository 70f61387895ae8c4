"""``unpack()``: zeallot's ``%<-%`` with the R pattern as a string."""

from __future__ import annotations

import keyword
import re
import sys
import warnings
from collections.abc import MutableMapping
from typing import Any

from ..named_list import NamedList
from .defaults import scope_lookup
from .matching import Matcher
from .parser import parse


# =====================================================================================
# unpack()
# =====================================================================================
def unpack(pattern: str, value: Any, into: MutableMapping[str, Any] | None = None) -> NamedList:
    """Unpack ``value`` by zeallot's left-hand side ``pattern``; bind into ``into`` if given.

    ``pattern`` is the R text left of ``%<-%``: a name, or ``c(...)`` of names, nested
    ``c(...)``, collectors ``...rest`` (anonymous ``...`` discards), ``.`` to skip one
    value, and defaults ``name = value``. A default is an R literal, never Python code:
    a number (``2``, ``-1.5``, ``10L``), a string, ``TRUE``/``FALSE``/``NULL``/``NA``/
    ``Inf``/``NaN``, ``c(...)``/``list(...)`` of those, or the name of a variable, looked
    up only when the values run out: in ``into``, then the caller's variables, then its
    module's globals. Collectors from numpy arrays bind arrays, from lists lists, from a
    NamedList a NamedList (names kept), from a destructured string a list of characters.

    Returns a :class:`NamedList` of the bindings in pattern order (iteration gives the
    values, so ``a, b = unpack("c(a, b)", v)`` works). ``into`` may be a module's
    ``globals()`` or any dict (a function's ``locals()`` cannot be written to). Names that
    are not Python
    identifiers (R's ``x.train``) are bound under that exact key, with a warning when
    ``into`` is given. Raises :class:`UnpackValueCountError` when the numbers of names and
    values differ, :class:`UnpackPatternError` (or :class:`UnpackSyntaxError`) for a
    malformed pattern or a default that is not an R literal, :class:`UnpackDefaultError`
    when a default names a variable that does not exist.

    R: ``c(c(x_train, y_train), c(x_test, y_test)) %<-% dataset_mnist()``
    Python: ``unpack("c(c(x_train, y_train), c(x_test, y_test))", dataset_mnist(), into=globals())``
    """
    if not isinstance(pattern, str):
        raise TypeError(
            f'unpack(): `pattern` must be a string such as "c(a, b)", not {type(pattern).__name__}'
        )
    parsed = parse(pattern)
    caller = sys._getframe(1)
    try:
        lookup = scope_lookup(into, caller.f_locals, caller.f_globals)
        bindings = Matcher(parsed, into, lookup).run(value)
    finally:
        del caller
    result = NamedList(bindings)
    if into is not None:
        for name, bound in bindings:
            if not name.isidentifier() or keyword.iskeyword(name):
                warnings.warn(
                    f"unpack(): `{name}` is not a Python identifier; it is bound in `into` "
                    f"under the key {name!r} but cannot be used as a variable (rename it, "
                    f"e.g. `{re.sub(r'[^0-9A-Za-z_]', '_', name)}`)",
                    UserWarning,
                    stacklevel=2,
                )
            into[name] = bound
    return result
