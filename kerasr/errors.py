"""Error and warning types raised by kerasr.

Every message starts with the R function's name, names the argument, says what was
expected and suggests the fix, e.g. ``fit(): unknown argument `callback`; did you mean
`callbacks`?``.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = [
    "ArgumentError",
    "InvalidValueError",
    "KerasrDeprecationWarning",
    "KerasrError",
    "TargetError",
]


class KerasrError(Exception):
    """Base class of the errors kerasr raises itself.

    R: ``tryCatch(fit(...), error = function(e) conditionMessage(e))``
    Python: ``try: fit(...)`` / ``except KerasrError as e: str(e)``
    """


class ArgumentError(KerasrError, TypeError):
    """An argument kerasr does not know, or a missing required argument.

    R: ``fit(model, x, y, callback = cb)`` (R silently partial-matches ``callbacks``)
    Python: ``fit(model, x, y, callback=cb)`` raises "did you mean `callbacks`?"
    """


class TargetError(KerasrError, TypeError):
    """A verb was given a first argument (its target) of the wrong type.

    R: ``fit("model", x, y)`` (an error from R's S3 dispatch)
    Python: ``fit("model", x, y)`` raises TargetError naming the expected Keras model
    """


class InvalidValueError(KerasrError, ValueError):
    """An argument has a value of the right type but an invalid content.

    R: ``get_layer(model, index = 0)`` ("`index` for get_layer() is 1-based")
    Python: ``get_layer(model, index=0)`` raises InvalidValueError ("1-based, as in R")
    """


class KerasrDeprecationWarning(FutureWarning):
    """A legacy R keras spelling that still works (shown by default, unlike DeprecationWarning).

    R: ``optimizer_sgd(lr = 0.01)`` ("the `lr` argument has been renamed to `learning_rate`")
    Python: ``optimizer_sgd(lr=0.01)`` warns: use ``learning_rate=``
    """


def closest(name: str, candidates: Iterable[str], n: int = 3) -> list[str]:
    """Return the candidates closest to ``name`` (best first), for "did you mean" hints."""
    candidates = list(candidates)
    lowered = {c.lower(): c for c in candidates}
    hits = difflib.get_close_matches(name.lower(), list(lowered), n=n, cutoff=0.6)
    prefix = [c for c in candidates if c.startswith(name) and c not in hits]
    return [lowered[h] for h in hits] + prefix[: max(0, n - len(hits))]


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """A ``"; did you mean `x`?"`` suffix, or ``""`` when nothing is close."""
    hits = closest(name, candidates)
    if not hits:
        return ""
    if len(hits) == 1:
        return f"; did you mean `{hits[0]}`?"
    return "; did you mean " + " or ".join(f"`{h}`" for h in hits) + "?"


def unknown_argument(function: str, name: str, valid: Iterable[str]) -> ArgumentError:
    """Build the error for an argument name that ``function`` does not take."""
    valid = list(valid)
    hint = did_you_mean(name, valid)
    if not hint:
        shown = ", ".join(valid[:12]) + (", ..." if len(valid) > 12 else "")
        hint = f". Valid arguments: {shown}"
    return ArgumentError(f"{function}(): unknown argument `{name}`{hint}")
