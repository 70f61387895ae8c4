"""The pieces the emitter passes around: Python expressions with their precedence, R
arguments, and how R names become Python names."""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass
from typing import Any

from . import rules

__all__: list[str] = []

# Python precedence levels (higher binds tighter)
LAMBDA, IFEXP, OR, AND, NOT, CMP, BOR, BAND = 0, 1, 3, 4, 5, 6, 7, 9
SHIFT, ARITH, TERM, UNARY, POW, POSTFIX, ATOM = 10, 11, 12, 13, 14, 16, 17

TODO_PREFIX = "# TODO(kerasr): "
KERASR_IMPORT = "from kerasr import *"


@dataclass
class Code:
    """A Python expression and its precedence (for parenthesising)."""

    text: str
    prec: int = ATOM
    pipe_inner: str | None = None  # a parenthesised multi-line ``>>`` chain, unwrapped
    grouped: tuple[str, list[str]] | None = None  # group_by(): (data frame, key columns)

    def at(self, prec: int) -> str:
        """The text, in parentheses when it binds less tightly than ``prec``."""
        return self.text if self.prec >= prec else f"({self.text})"


class Untranslatable(Exception):
    """Raised inside a statement that cannot be written as Python at all."""

    def __init__(self, key: str, reason: str) -> None:
        super().__init__(reason)
        self.key = key
        self.reason = reason


@dataclass
class Arg:
    name: str | None
    node: Any = None  # None for an empty slot (``x[1, ]``)
    code: Code | None = None  # a value already translated (the left side of a pipe)
    comment: str | None = None  # a comment following the argument


def py_name(name: str) -> str:
    """An R name as a Python identifier: ``x.train`` -> ``x_train``, ``from`` -> ``from_``."""
    name = name.strip("`")
    out = re.sub(r"\W", "_", name.replace(".", "_"))
    if not out or out[0].isdigit():
        out = "_" + out
    if keyword.iskeyword(out) or out in {"print", "None", "True", "False"} and out != name:
        out += rules.PYTHON_KEYWORD_SUFFIX
    return out


def arg_name(name: str) -> str:
    name = name.strip("`").strip("'\"")
    out = py_name(name)
    return out


def is_identifier(name: str) -> bool:
    return name.isidentifier() and not keyword.iskeyword(name)


def int_literal(node: Any) -> int | None:
    """The integer value of an R numeric literal node (``3``, ``3L``), else None."""
    if node is None or node.type not in ("float", "integer"):
        return None
    text = node.text.decode().rstrip("L")
    try:
        value = float(int(text, 16)) if text.lower().startswith("0x") else float(text)
    except ValueError:
        return None
    return int(value) if value.is_integer() else None
