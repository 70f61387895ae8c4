"""Error and warning types raised by kerasr.

Every message starts with the R function's name, names the argument, says what was
expected and suggests the fix, e.g. ``fit(): unknown argument `callback`; did you mean
`callbacks`?``.
"""

from __future__ import annotations

import difflib
import os
import sys
import warnings
from collections.abc import Iterable, Sequence

__all__ = [
    "ArgumentError",
    "InvalidValueError",
    "KerasrDeprecationWarning",
    "KerasrError",
    "PartialMatchWarning",
    "TargetError",
]

#: kerasr's own folder: warnings are attributed to the first frame outside it
_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


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


class PartialMatchWarning(UserWarning):
    """An argument given by a prefix of its name, which R's partial matching accepts.

    Shown once per function and prefix, naming the full argument.

    R: ``fit(model, x, y, epoch = 1)`` (R matches ``epochs``)
    Python: ``fit(model, x, y, epoch=1)`` works and notes: write ``epochs=``
    """


def _levels_inside_kerasr(frame: object) -> int:
    """How many frames, from ``frame`` outwards, belong to kerasr (1 for ``frame`` itself)."""
    level = 1
    while frame is not None and (
        frame.f_code.co_filename.startswith(_PACKAGE_DIR)  # type: ignore[attr-defined]
        or frame.f_code.co_filename.startswith("<frozen ")  # type: ignore[attr-defined]
    ):
        frame = frame.f_back  # type: ignore[attr-defined]
        level += 1
    return level


def user_stacklevel() -> int:
    """The ``stacklevel`` that attributes a warning to the user's line, not kerasr's.

    Counts the frames from the function that calls :func:`warnings.warn` out to the first
    frame whose file is outside the kerasr package (through ``>>``, deferred calls and
    wrappers).

    R: ``warning("...", call. = FALSE)``
    Python: ``warnings.warn(message, stacklevel=user_stacklevel())``
    """
    return _levels_inside_kerasr(sys._getframe(1))


def warn(message: str, category: type[Warning] = UserWarning) -> None:
    """``warnings.warn`` attributed to the user's line (see :func:`user_stacklevel`).

    R: ``warning("...")``
    Python: ``warn("...", KerasrDeprecationWarning)``
    """
    warnings.warn(message, category, stacklevel=_levels_inside_kerasr(sys._getframe(1)) + 1)


_NOTED: set[tuple[str, str]] = set()


def match_arguments(function: str, given: dict[str, object],
                    valid: Sequence[str]) -> dict[str, object]:
    """R's argument matching: exact names first, then a unique prefix of one.

    A prefix that fits several arguments is an error listing them; a name that fits none
    is an error with a "did you mean" hint. A partial match works and is noted once.

    R: ``fit(model, x, y, epoch = 1)``
    Python: ``match_arguments("fit", {"epoch": 1}, ["epochs", ...])`` -> ``{"epochs": 1}``
    """
    valid_set = set(valid)
    out: dict[str, object] = {}
    for name, value in given.items():
        if name in valid_set:
            out[name] = value
            continue
        hits = [v for v in valid if v.startswith(name) and v not in given]
        if len(hits) == 1 and name:
            full = hits[0]
            if full in out:
                raise ArgumentError(
                    f"{function}(): `{name}` and `{full}` name the same argument; pass it once"
                )
            if (function, name) not in _NOTED:
                _NOTED.add((function, name))
                warn(f"{function}(): `{name}` partially matches `{full}` (as R matches "
                     f"argument names); write `{full}=` in Python code", PartialMatchWarning)
            out[full] = value
        elif len(hits) > 1:
            raise ArgumentError(
                f"{function}(): `{name}` matches several arguments: "
                + ", ".join(f"`{h}`" for h in hits) + "; write the full name"
            )
        else:
            raise unknown_argument(function, name, [v for v in valid])
    return out


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
