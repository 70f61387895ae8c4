"""Default values in zeallot patterns (``c(a, b = 2)``): R literals, never Python code.

A default is parsed once, with the pattern, into a small literal tree, and nothing in it
is ever evaluated as Python. Allowed: numbers (``1``, ``2.5``, ``1e-3``, ``0x10``, ``1L``,
``2i``), negative numbers (``-1``, ``-Inf``), strings (``"x"``, ``'x'``, R's escapes),
``TRUE``, ``FALSE``, ``NULL``, ``NA`` (and ``NA_integer_`` ...), ``Inf``, ``NaN``,
``c(...)`` and ``list(...)`` of those (with names: ``list(lr = 0.01)``), and the name
of a variable, looked up when the default is needed in ``into``, then in the calling
function's variables, then its module's globals (never Python's builtins).

R: ``c(lr, epochs = 10L, opt = list(name = "adam")) %<-% list(0.01)``
Python: ``unpack("c(lr, epochs = 10L, opt = list(name = 'adam'))", [0.01])``
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..named_list import NamedList
from ..rbase.syntax import Tok, tokenize
from .errors import LHS, UnpackDefaultError, UnpackPatternError, UnpackSyntaxError

_CONSTANTS: dict[str, Any] = {
    "TRUE": True, "FALSE": False, "NULL": None, "NA": None, "NA_integer_": None,
    "NA_real_": None, "NA_character_": None, "NA_complex_": None,
    "Inf": math.inf, "NaN": math.nan,
}
#: Variables of R's base package a default may name when the caller has no such name.
R_BASE_VARIABLES: dict[str, Any] = {"T": True, "F": False, "pi": math.pi}

ALLOWED = ("a default may be a number, a string, TRUE/FALSE/NULL/NA/Inf/NaN, c() or list() "
           "of those, or the name of a variable")


@dataclass(frozen=True)
class Literal:
    value: Any  # int, float, complex, str, bool or None: immutable


@dataclass(frozen=True)
class Variable:
    name: str


@dataclass(frozen=True)
class Call:
    function: str  # "c" or "list"
    args: tuple[tuple[str | None, Any], ...]


class _DefaultParser:
    def __init__(self, text: str, src: str, offset: int) -> None:
        self.text = text
        self.src = src
        self.offset = offset  # 0-based position of ``text`` in ``src``
        self.toks = tokenize(text)
        self.i = 0

    def peek(self) -> Tok:
        return self.toks[self.i]

    def take(self) -> Tok:
        tok = self.toks[self.i]
        if tok.kind != "eof":
            self.i += 1
        return tok

    def column(self, tok: Tok) -> int:
        return self.offset + tok.pos + 1

    def syntax(self, message: str, tok: Tok) -> UnpackSyntaxError:
        found = "the end of the default" if tok.kind == "eof" else f"`{tok.text}`"
        if tok.kind == "err" and tok.text in "\"'`":
            found, message = "an unterminated quote", "cannot parse it"
        return UnpackSyntaxError(
            LHS + f"the default `{self.text}` cannot be parsed as R: {message}, found {found}",
            self.src, self.column(tok))

    def refuse(self, what: str, tok: Tok) -> UnpackPatternError:
        return UnpackPatternError(
            LHS + f"the default `{self.text}` is not an R literal ({what}): {ALLOWED}; "
            "compute anything else before unpacking and give its name",
            self.src, self.column(tok))

    def parse(self) -> Any:
        node = self.value()
        tok = self.peek()
        if tok.kind != "eof":
            if tok.kind == "op" and tok.text in ("(", "[", "[[", "$", "@"):
                raise self.refuse(f"`{tok.text}` after a value: calls, indexing and "
                                  "attributes are not allowed", tok)
            if tok.kind == "op" and tok.text not in (",", ")"):
                raise self.refuse(f"the operator `{tok.text}`", tok)
            raise self.syntax("expected the end of the default", tok)
        return node

    def value(self) -> Any:
        tok = self.take()
        if tok.kind == "op" and tok.text in ("-", "+"):
            inner_tok = self.peek()
            inner = self.value()
            number = inner.value if isinstance(inner, Literal) else None
            if isinstance(number, bool) or not isinstance(number, (int, float, complex)):
                raise self.refuse(f"`{tok.text}` applies only to a number", inner_tok)
            return Literal(-number if tok.text == "-" else number)
        if tok.kind == "num":
            return Literal(_number(tok.text))
        if tok.kind == "str":
            return Literal(_unescape(tok.text[1:-1]))
        if tok.kind == "name":
            if not tok.quoted and tok.text in ("c", "list") and self.peek().text == "(" \
                    and self.peek().kind == "op":
                return self.call(tok.text)
            if self.peek().kind == "op" and self.peek().text == "(":
                raise self.refuse(f"a call to `{tok.text}()`", tok)
            if not tok.quoted and tok.text in _CONSTANTS:
                return Literal(_CONSTANTS[tok.text])
            return Variable(tok.text)
        if tok.kind == "op" and tok.text in ("[", "{", "(", "\\"):
            raise self.refuse(f"`{tok.text}` starts an expression, not a literal", tok)
        if tok.kind == "eof":
            raise self.syntax("expected a value", tok)
        if tok.kind == "err":
            raise self.syntax("unexpected input", tok)
        raise self.refuse(f"unexpected `{tok.text}`", tok)

    def call(self, function: str) -> Call:
        self.take()  # "("
        args: list[tuple[str | None, Any]] = []
        if self.peek().kind == "op" and self.peek().text == ")":
            self.take()
            return Call(function, ())
        while True:
            name = None
            nxt = self.toks[min(self.i + 1, len(self.toks) - 1)]
            if self.peek().kind in ("name", "str") and nxt.kind == "op" and nxt.text == "=":
                tok = self.take()
                name = tok.text[1:-1] if tok.kind == "str" else tok.text
                self.take()
            args.append((name, self.value()))
            tok = self.take()
            if tok.kind == "op" and tok.text == ")":
                return Call(function, tuple(args))
            if not (tok.kind == "op" and tok.text == ","):
                if tok.kind == "op" and tok.text not in ("(", "[", "{"):
                    raise self.refuse(f"the operator `{tok.text}`", tok)
                raise self.syntax(f"expected `,` or `)` in {function}()", tok)


def _number(text: str) -> int | float | complex:
    """An R number token as Python: ``10`` and ``10L`` are ints, ``2.5``/``1e3`` floats."""
    if text.endswith("i"):
        return complex(0, float(_number(text[:-1])))
    integer = text.endswith("L")
    body = text[:-1] if integer else text
    if body.lower().startswith("0x"):
        return int(body, 16)
    if re.fullmatch(r"\d+", body):
        return int(body)
    value = float(body)
    return int(value) if integer and value.is_integer() else value


_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{1,2}|u\{[0-9a-fA-F]{1,4}\}|u[0-9a-fA-F]{1,4}"
                     r"|U\{[0-9a-fA-F]{1,8}\}|U[0-9a-fA-F]{1,8}|[0-7]{1,3}|.)", re.S)
_SIMPLE = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "a": "\a", "b": "\b", "f": "\f",
           "v": "\v", "\\": "\\", '"': '"', "'": "'", "`": "`", " ": " ", "\n": "\n"}


def _unescape(body: str) -> str:
    """R's string escapes (``\\n``, ``\\t``, ``\\x41``, ``\\u00e9``, ``\\"`` ...)."""
    def one(m: re.Match[str]) -> str:
        e = m.group(1)
        if e[0] in "xuU" and len(e) > 1:
            return chr(int(e[1:].strip("{}"), 16))
        if e[0] in "01234567" and (len(e) > 1 or e != "0"):
            return chr(int(e, 8))
        return _SIMPLE.get(e, "\\" + e)
    return _ESCAPE.sub(one, body)


def parse_default(text: str, src: str, offset: int) -> Any:
    """Parse a default's text (at 0-based ``offset`` in the pattern ``src``) as an R literal."""
    return _DefaultParser(text, src, offset).parse()


# =====================================================================================
# Values
# =====================================================================================
Lookup = Callable[[str], Any]


def scope_lookup(*scopes: Mapping[str, Any] | None) -> Lookup:
    """Look a name up in each scope in turn, then R's base variables (T, F, pi)."""
    def lookup(name: str) -> Any:
        if name.startswith("__"):  # Python's internals (``__builtins__``) are not R variables
            raise NameError(f"object '{name}' not found (names starting with `__` are not "
                            "looked up)")
        for scope in scopes:
            if scope is not None and name in scope:
                return scope[name]
        if name in R_BASE_VARIABLES:
            return R_BASE_VARIABLES[name]
        raise NameError(f"object '{name}' not found")
    return lookup


def value_of(node: Any, lookup: Lookup) -> Any:
    """The Python value of a parsed default (fresh containers each time)."""
    if isinstance(node, Literal):
        return node.value
    if isinstance(node, Variable):
        return lookup(node.name)
    items = [(name, value_of(arg, lookup)) for name, arg in node.args]
    if node.function == "c":  # R's c(): NULLs dropped, lists spliced, c() is NULL
        flat: list[tuple[str | None, Any]] = []
        for name, value in items:
            if value is None and name is None:
                continue
            if isinstance(value, NamedList):
                flat += list(zip(value.names(), value.values()))
            elif isinstance(value, list):
                flat += [(None, v) for v in value]
            else:
                flat.append((name, value))
        items = flat
        if not items:
            return None
    if any(name is not None for name, _ in items):
        return NamedList(items)
    return [value for _, value in items]


def evaluate_default(node: Any, text: str, target: str, lookup: Lookup) -> Any:
    """The value of a default, or :class:`UnpackDefaultError` naming the missing variable."""
    try:
        return value_of(node, lookup)
    except NameError as e:
        raise UnpackDefaultError(
            LHS + f"cannot evaluate the default of `{target}`, `{text}`: {e} (pass it in "
            "`into`, or define it before calling unpack())"
        ) from e
