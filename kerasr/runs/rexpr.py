"""R-style row filters for ``ls_runs(subset = ...)``: a small parser and evaluator.

The string is parsed with R's grammar for the operators that filters use (``| || & && !``,
comparisons, ``%in%``, arithmetic, ``^``, parentheses, ``c()`` and a few functions) and
evaluated on the data frame's columns. It is never handed to Python's ``eval``: names can
only be columns, and calls only the functions in ``FUNCTIONS``.

    metric_val_accuracy > 0.9 & flag_units %in% c(64, 128)
    !completed | is.na(eval_loss)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np

from ..errors import InvalidValueError, did_you_mean

__all__: list[str] = []

TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?L?)
  | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
  | (?P<backtick>`[^`]+`)
  | (?P<name>[A-Za-z.][A-Za-z0-9._]*)
  | (?P<op>%[^%]*%|\|\||&&|==|!=|<=|>=|[-+*/^<>!&|(),])
""", re.VERBOSE)

#: binary operators: precedence (higher binds tighter) and right associativity
BINARY = {"|": 1, "||": 1, "&": 2, "&&": 2, "==": 4, "!=": 4, "<": 4, ">": 4, "<=": 4, ">=": 4,
          "+": 5, "-": 5, "*": 6, "/": 6, "%in%": 7, "%%": 7, "^": 9}
RIGHT = {"^"}
NOT_PRECEDENCE = 3
UNARY_MINUS_PRECEDENCE = 8
CONSTANTS = {"TRUE": True, "T": True, "FALSE": False, "F": False, "NA": np.nan, "NULL": None,
             "Inf": np.inf, "NaN": np.nan}


def _tokens(text: str, function: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        match = TOKEN.match(text, pos)
        if match is None:
            raise InvalidValueError(
                f"{function}(): cannot read `subset` at {text[pos:pos + 10]!r} in {text!r}; "
                f"write an R condition such as \"metric_val_accuracy > 0.9\""
            )
        kind = match.lastgroup or ""
        if kind != "space":
            out.append((kind, match.group()))
        pos = match.end()
    return out


class _Parser:
    def __init__(self, text: str, function: str) -> None:
        self.text = text
        self.function = function
        self.tokens = _tokens(text, function)
        self.pos = 0

    def error(self, what: str) -> InvalidValueError:
        return InvalidValueError(
            f"{self.function}(): cannot parse `subset` {self.text!r}: {what}; write an R "
            f"condition such as \"metric_val_accuracy > 0.9 & flag_units == 64\""
        )

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise self.error("it ends too early")
        self.pos += 1
        return token

    def expect(self, value: str) -> None:
        token = self.take()
        if token[1] != value:
            raise self.error(f"expected `{value}`, found `{token[1]}`")

    def parse(self) -> Any:
        tree = self.expression(0)
        if self.peek() is not None:
            raise self.error(f"unexpected `{self.peek()[1]}`")  # type: ignore[index]
        return tree

    def expression(self, minimum: int) -> Any:
        left = self.unary()
        while True:
            token = self.peek()
            if token is None or token[0] != "op" or token[1] not in BINARY:
                return left
            op = token[1]
            precedence = BINARY[op]
            if precedence < minimum:
                return left
            self.take()
            right = self.expression(precedence if op in RIGHT else precedence + 1)
            left = ("binary", op, left, right)

    def unary(self) -> Any:
        token = self.peek()
        if token is not None and token[1] == "!":
            self.take()
            return ("not", self.expression(NOT_PRECEDENCE))
        if token is not None and token[1] in ("-", "+"):
            self.take()
            operand = self.expression(UNARY_MINUS_PRECEDENCE)
            return ("neg", operand) if token[1] == "-" else operand
        return self.primary()

    def primary(self) -> Any:
        kind, value = self.take()
        if kind == "number":
            return ("const", float(value.rstrip("L")))
        if kind == "string":
            return ("const", bytes(value[1:-1], "utf-8").decode("unicode_escape"))
        if kind == "backtick":
            return ("column", value[1:-1])
        if kind == "name":
            nxt = self.peek()
            if nxt is not None and nxt[1] == "(":
                self.take()
                args: list[Any] = []
                if self.peek() is not None and self.peek()[1] != ")":  # type: ignore[index]
                    args.append(self.expression(0))
                    while self.peek() is not None and self.peek()[1] == ",":  # type: ignore[index]
                        self.take()
                        args.append(self.expression(0))
                self.expect(")")
                if value not in FUNCTIONS:
                    raise self.error(
                        f"unknown function `{value}()`{did_you_mean(value, FUNCTIONS)} "
                        f"(available: {', '.join(FUNCTIONS)})"
                    )
                return ("call", value, args)
            if value in CONSTANTS:
                return ("const", CONSTANTS[value])
            return ("column", value)
        if value == "(":
            inner = self.expression(0)
            self.expect(")")
            return inner
        raise self.error(f"unexpected `{value}`")


def _c(*args: Any) -> list[Any]:
    out: list[Any] = []
    for a in args:
        out.extend(list(a) if isinstance(a, (list, tuple)) else [a])
    return out


def _isna(x: Any) -> Any:
    import pandas as pd

    return x.isna() if hasattr(x, "isna") else pd.isna(x)


def _grepl(pattern: str, x: Any) -> Any:
    return x.astype("string").str.contains(pattern, regex=True, na=False)


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "c": _c, "is.na": _isna, "abs": abs, "sqrt": np.sqrt, "log": np.log, "exp": np.exp,
    "round": lambda x, digits=0: np.round(x, int(digits)), "grepl": _grepl,
}


def _binary(op: str, a: Any, b: Any) -> Any:
    if op in ("&", "&&"):
        return _logical(a) & _logical(b)
    if op in ("|", "||"):
        return _logical(a) | _logical(b)
    if op == "%in%":
        values = b if isinstance(b, list) else [b]
        return a.isin(values) if hasattr(a, "isin") else a in values
    operations: dict[str, Callable[[Any, Any], Any]] = {
        "==": lambda x, y: x == y, "!=": lambda x, y: x != y, "<": lambda x, y: x < y,
        ">": lambda x, y: x > y, "<=": lambda x, y: x <= y, ">=": lambda x, y: x >= y,
        "+": lambda x, y: x + y, "-": lambda x, y: x - y, "*": lambda x, y: x * y,
        "/": lambda x, y: x / y, "^": lambda x, y: x ** y, "%%": lambda x, y: x % y,
    }
    if op not in operations:
        raise InvalidValueError(f"ls_runs(): the operator `{op}` is not supported in `subset`")
    return operations[op](a, b)


def _logical(x: Any) -> Any:
    if hasattr(x, "fillna"):
        return x.astype("boolean").fillna(False).astype(bool)
    return bool(x) if x == x else False


def evaluate(text: str, frame: Any, function: str = "ls_runs") -> Any:
    """A boolean row mask for the R condition ``text`` on ``frame`` (NA counts as FALSE)."""
    import pandas as pd

    tree = _Parser(text, function).parse()

    def walk(node: Any) -> Any:
        kind = node[0]
        if kind == "const":
            return node[1]
        if kind == "column":
            name = node[1]
            if name not in frame.columns:
                raise InvalidValueError(
                    f"{function}(): `subset` names an unknown column `{name}`"
                    f"{did_you_mean(name, frame.columns)} (columns: "
                    f"{', '.join(map(str, frame.columns))})"
                )
            return frame[name]
        if kind == "not":
            return ~_logical(walk(node[1]))
        if kind == "neg":
            return -walk(node[1])
        if kind == "call":
            return FUNCTIONS[node[1]](*[walk(a) for a in node[2]])
        return _binary(node[1], walk(node[2]), walk(node[3]))

    result = walk(tree)
    if not isinstance(result, pd.Series):
        result = pd.Series([result] * len(frame), index=frame.index)
    return _logical(result)
