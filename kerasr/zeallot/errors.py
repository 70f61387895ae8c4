"""The errors ``unpack()`` raises, with zeallot 0.1's messages."""

from __future__ import annotations

from ..errors import KerasrError

_RHS = "invalid `%<-%` right-hand side, "
LHS = "invalid `%<-%` left-hand side, "
INCORRECT_NUMBER_OF_VALUES = _RHS + "incorrect number of values"


# =====================================================================================
# Errors
# =====================================================================================
class UnpackError(KerasrError, ValueError):
    """Base class of the errors ``unpack()`` and ``destructure()`` raise.

    R: ``tryCatch(c(a, b) %<-% x, error = function(e) conditionMessage(e))``
    Python: ``try: unpack("c(a, b)", x)`` / ``except UnpackError as e: str(e)``
    """


class UnpackValueCountError(UnpackError):
    """The value does not have as many values as the pattern has names.

    The message starts with zeallot's "invalid `%<-%` right-hand side, incorrect number
    of values" and goes on with the pattern, its number of names and the number of
    values found. Attributes: ``pattern`` (the whole pattern), ``group`` (the ``c(...)``
    that did not fit), ``n_names`` and ``n_values`` (``None`` when not applicable).

    R: ``c(a, b) %<-% list(1, 2, 3)``  # Error: invalid `%<-%` right-hand side, ...
    Python: ``unpack("c(a, b)", [1, 2, 3])``  # raises UnpackValueCountError
    """

    def __init__(
        self,
        message: str,
        *,
        pattern: str | None = None,
        group: str | None = None,
        n_names: int | None = None,
        n_values: int | None = None,
    ) -> None:
        super().__init__(message)
        self.pattern = pattern
        self.group = group
        self.n_names = n_names
        self.n_values = n_values


class UnpackPatternError(UnpackError):
    """The pattern (zeallot's left-hand side) is not a valid name structure.

    The first line of the message is zeallot's, e.g. "invalid `%<-%` left-hand side,
    unexpected call `+`"; the next lines show the pattern with a caret under the
    offending column. Attributes: ``pattern``, ``reason`` (zeallot's message alone) and
    ``column`` (1-based).

    R: ``c(a + b) %<-% list(1)``  # Error: invalid `%<-%` left-hand side, unexpected call `+`
    Python: ``unpack("c(a + b)", [1])``  # raises UnpackPatternError
    """

    def __init__(self, reason: str, pattern: str, column: int) -> None:
        self.reason = reason
        self.pattern = pattern
        self.column = column
        super().__init__(f"{reason}\n{_caret(pattern, column)}")


class UnpackSyntaxError(UnpackPatternError):
    """The pattern cannot be parsed at all (R would give a syntax error).

    R: ``c(a b) %<-% list(1, 2)``  # Error: unexpected symbol in "c(a b"
    Python: ``unpack("c(a b)", [1, 2])``  # raises UnpackSyntaxError, caret under ``b``
    """


class UnpackDefaultError(UnpackError):
    """Evaluating a default value (``c(a, b = expr)``) failed; the cause is chained.

    R: ``c(a, b = undefined_thing) %<-% list(1)``  # Error: object 'undefined_thing' not found
    Python: ``unpack("c(a, b = undefined_thing)", [1])``  # raises UnpackDefaultError
    """


def _caret(pattern: str, column: int) -> str:
    """The pattern line that holds ``column`` (1-based), with a caret line under it."""
    start = pattern.rfind("\n", 0, column - 1) + 1
    end = pattern.find("\n", start)
    line = pattern[start:] if end < 0 else pattern[start:end]
    return f"  {line}\n  {' ' * (column - 1 - start)}^"
