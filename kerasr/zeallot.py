"""zeallot's ``%<-%`` for Python: ``unpack()`` takes the R left-hand side verbatim.

R workshop code unpacks with zeallot 0.1::

    c(c(x_train, y_train), c(x_test, y_test)) %<-% dataset_mnist()

and kerasr takes that pattern as a string, so R code is copied as is::

    unpack("c(c(x_train, y_train), c(x_test, y_test))", dataset_mnist(), into=globals())

``unpack()`` returns a :class:`~kerasr.named_list.NamedList` of the bindings in pattern
order (so ``a, b = unpack("c(a, b)", v)`` works anywhere) and, given ``into`` (a dict such
as ``globals()``), binds the names there too, which is what a notebook wants.

Semantics are zeallot 0.1's (``reference/r-keras-api.md`` section 6):

- nesting ``c(a, c(b, d))``; a nested value is unpacked only from a list (list, tuple,
  NamedList, dict), never from an array or a string, as zeallot does;
- one collector per depth, anywhere: ``c(first, ...rest)``, ``c(...head, last)``,
  ``c(a, ...mid, b)``; the anonymous ``...`` discards; a collector needs at least one value
  unless it has a default (``c(a, ...b = 4)``);
- ``.`` skips one value and is never bound;
- defaults ``c(a, b = 2)``, evaluated only when the values run out;
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
- an error raised by a default's expression is re-raised as :class:`UnpackDefaultError`,
  with the original chained.
"""

from __future__ import annotations

import ast
import builtins
import datetime
import functools
import keyword
import math
import re
import sys
import warnings
from collections.abc import Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from types import CodeType
from typing import Any, NoReturn

import numpy as np

from .errors import KerasrError
from .named_list import NamedList

__all__ = [
    "UnpackDefaultError",
    "UnpackError",
    "UnpackPatternError",
    "UnpackSyntaxError",
    "UnpackValueCountError",
    "destructure",
    "unpack",
]

_RHS = "invalid `%<-%` right-hand side, "
_LHS = "invalid `%<-%` left-hand side, "
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


# =====================================================================================
# Pattern syntax tree
# =====================================================================================
@dataclass(frozen=True)
class _Default:
    text: str  # the Python expression, as written
    code: CodeType  # compiled for eval()
    column: int


@dataclass(frozen=True)
class _Name:
    name: str
    column: int
    default: _Default | None = None


@dataclass(frozen=True)
class _Skip:
    column: int
    default: _Default | None = None


@dataclass(frozen=True)
class _Collector:
    name: str | None  # None for the anonymous ``...``
    column: int
    default: _Default | None = None


@dataclass(frozen=True)
class _Group:
    items: tuple[Any, ...]
    column: int
    text: str  # source text, e.g. "c(a, b)"
    default: None = None

    @functools.cached_property
    def collector_index(self) -> int | None:
        for i, item in enumerate(self.items):
            if isinstance(item, _Collector):
                return i
        return None

    @functools.cached_property
    def min_values(self) -> int:
        """Fewest values that fit (trailing defaults may fill the rest)."""
        need = len(self.items)
        while need > 0 and self.items[need - 1].default is not None:
            need -= 1
        return need


@dataclass(frozen=True)
class _Bad:
    """A place in the pattern where a name was expected but something else was found."""

    kind: str  # "call": checked first (zeallot's calls()); "variable": second (variables())
    reason: str
    column: int
    default: None = None


@dataclass(frozen=True)
class _Pattern:
    text: str
    root: Any  # _Group, _Name or _Skip


# =====================================================================================
# Tokenizer (R's lexical rules, enough for name structures and error reports)
# =====================================================================================
_R_RESERVED = frozenset("if else repeat while function for in next break".split())
_R_CONSTANTS = {
    "TRUE": "logical",
    "FALSE": "logical",
    "NA": "logical",
    "NULL": "NULL",
    "Inf": "numeric",
    "NaN": "numeric",
    "NA_integer_": "integer",
    "NA_real_": "numeric",
    "NA_character_": "character",
    "NA_complex_": "complex",
}
_TOKEN_RE = re.compile(
    r"""
    (?P<ws>[ \t\r\n\f]+|\#[^\n]*)
  | (?P<num>0[xX][0-9a-fA-F]+L?|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[Li]?)
  | (?P<name>(?:[^\W\d_]|\.(?!\d))[\w.]*)
  | (?P<bq>`(?:[^`\\]|\\.)*`)
  | (?P<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
  | (?P<op>%[^%\n]*%|:::|::|<<-|->>|\[\[|<-|->|<=|>=|==|!=|&&|\|\||\|>
          |[-+*/^:=<>!&|~?$@()\[\]{},;\\])
    """,
    re.VERBOSE | re.UNICODE,
)


@dataclass(frozen=True)
class _Tok:
    kind: str  # "name", "num", "str", "op", "eof"
    text: str  # the name (backquotes removed) or the operator
    pos: int  # 0-based offset in the pattern
    quoted: bool = False


def _tokenize(src: str) -> list[_Tok]:
    toks: list[_Tok] = []
    pos = 0
    while pos < len(src):
        m = _TOKEN_RE.match(src, pos)
        if m is None:
            # reported only if the parser reaches it (a default's Python text may hold it)
            toks.append(_Tok("err", src[pos], pos))
            pos += 1
            continue
        kind = m.lastgroup
        assert kind is not None
        if kind != "ws":
            text = m.group()
            if kind == "bq":
                toks.append(_Tok("name", text[1:-1], pos, quoted=True))
            else:
                toks.append(_Tok(kind, text, pos))
        pos = m.end()
    toks.append(_Tok("eof", "", len(src)))
    return toks


# Binding powers for R's operators (?Syntax), used only to find the outermost call of a
# malformed target so the error names the same call zeallot would (``a * b + d`` -> `+`).
_INFIX: dict[str, tuple[int, int]] = {
    "?": (10, 11),
    "=": (21, 20),
    "<-": (31, 30),
    "<<-": (31, 30),
    "->": (40, 41),
    "->>": (40, 41),
    "~": (50, 51),
    "||": (60, 61),
    "|": (60, 61),
    "&&": (70, 71),
    "&": (70, 71),
    "==": (90, 91),
    "!=": (90, 91),
    "<": (90, 91),
    ">": (90, 91),
    "<=": (90, 91),
    ">=": (90, 91),
    "+": (100, 101),
    "-": (100, 101),
    "*": (110, 111),
    "/": (110, 111),
    "|>": (120, 121),
    ":": (130, 131),
    "^": (151, 150),
    "$": (160, 161),
    "@": (160, 161),
    "::": (180, 181),
    ":::": (180, 181),
}
_PREFIX = {"-": 140, "+": 140, "!": 80, "~": 50, "?": 10}
_POSTFIX_BP = 170  # calls f(), x[...], x[[...]]
_EXTRACT = frozenset({"$", "@", "[", "[["})


@dataclass(frozen=True)
class _Expr:
    """What a target expression turned out to be."""

    kind: str  # "group", "symbol", "call", "constant"
    column: int
    node: Any = None  # the _Group for "group"
    name: str = ""  # symbol name, called function, or constant's R class
    nargs: int = 0
    quoted: bool = False


class _Parser:
    """Recursive descent over R tokens: ``c(...)`` groups of names, with R's errors."""

    def __init__(self, src: str) -> None:
        self.src = src
        self.toks = _tokenize(src)
        self.i = 0

    # -- helpers ---------------------------------------------------------------------
    def peek(self, k: int = 0) -> _Tok:
        return self.toks[min(self.i + k, len(self.toks) - 1)]

    def take(self) -> _Tok:
        tok = self.toks[self.i]
        if tok.kind != "eof":
            self.i += 1
        return tok

    def is_op(self, text: str, k: int = 0) -> bool:
        tok = self.peek(k)
        return tok.kind == "op" and tok.text == text

    def fail(self, message: str, tok: _Tok) -> UnpackSyntaxError:
        if tok.kind == "err":
            if tok.text in "\"'`":
                message = "unterminated quote"
            else:
                hint = "; use `.` to skip a value" if tok.text == "_" else ""
                message = f"unexpected input `{tok.text}`{hint}"
            return UnpackSyntaxError(
                _LHS + f"cannot parse the pattern: {message}", self.src, tok.pos + 1
            )
        found = "the end of the pattern" if tok.kind == "eof" else f"`{tok.text}`"
        return UnpackSyntaxError(
            _LHS + f"cannot parse the pattern: {message}, found {found}", self.src, tok.pos + 1
        )

    def expect(self, text: str) -> _Tok:
        if not self.is_op(text):
            raise self.fail(f"expected `{text}`", self.peek())
        return self.take()

    # -- entry -----------------------------------------------------------------------
    def parse(self) -> _Pattern:
        if self.peek().kind == "eof":
            raise UnpackSyntaxError(_LHS + "the pattern is empty", self.src, 1)
        expr = self.expression(0)
        tok = self.peek()
        if tok.kind != "eof":
            raise self.fail("expected the end of the pattern", tok)
        root = self.target(expr, top=True)
        _validate(root, self.src)
        return _Pattern(self.src, root)

    # -- targets -----------------------------------------------------------------------
    def target(self, expr: _Expr, top: bool = False) -> Any:
        """Turn a parsed expression into a pattern node (or a _Bad placeholder)."""
        if expr.kind == "group":
            return expr.node
        if expr.kind == "symbol":
            name = expr.name
            if not expr.quoted and name == ".":
                return _Skip(expr.column)
            if not expr.quoted and name.startswith("..."):
                if top:
                    raise UnpackPatternError(
                        _LHS + f"a collector `{name}` must be inside c(), e.g. c(a, {name})",
                        self.src,
                        expr.column,
                    )
                rest = name[3:]
                return _Collector(None if rest in ("", ".") else rest, expr.column)
            return _Name(name, expr.column)
        if expr.kind == "constant":
            return _Bad("variable", _LHS + f"expected symbol, but found {expr.name}", expr.column)
        # a call
        if top and expr.name == "=":
            raise UnpackPatternError(
                _LHS + "unexpected call `=`: a default (`name = value`) is allowed only "
                "inside c(), e.g. c(a, b = 1)",
                self.src,
                expr.column,
            )
        if top and expr.name in ("%<-%", "%->%", "<-", "->"):
            raise UnpackPatternError(
                _LHS + f"unexpected call `{expr.name}`: pass only the left-hand side of "
                "`%<-%` as the pattern, and the value as the second argument: "
                'unpack("c(a, b)", value)',
                self.src,
                expr.column,
            )
        if expr.name in _EXTRACT:
            return _Bad(
                "call",
                _LHS + f"unexpected call `{expr.name}`: assigning into part of an object "
                "(`x$a`, `x[[1]]`, `x[1]`) is not supported by kerasr's unpack(); bind a "
                "plain name and assign it yourself",
                expr.column,
            )
        if expr.nargs == 0:
            return _Bad("variable", _LHS + "expected symbol, but found call", expr.column)
        return _Bad("call", _LHS + f"unexpected call `{expr.name}`", expr.column)

    def group(self, name_tok: _Tok) -> _Group:
        """Parse ``c( item, item, ... )``; the ``c`` has been taken."""
        self.expect("(")
        items: list[Any] = []
        while True:
            tok = self.peek()
            if self.is_op(",") or self.is_op(")"):
                items.append(
                    _Bad(
                        "variable",
                        _LHS + "found empty variable, check for extraneous commas",
                        tok.pos + 1,
                    )
                )
            else:
                items.append(self.item())
            if self.is_op(","):
                self.take()
                continue
            if self.is_op(")"):
                close = self.take()
                break
            raise self.fail("expected `,` or `)`", self.peek())
        if len(items) == 1 and isinstance(items[0], _Bad) and items[0].reason.endswith("commas"):
            # ``c()``: R sees a call with no arguments, not an empty variable
            items = []
        text = self.src[name_tok.pos : close.pos + 1]
        if not items:
            return _Bad("variable", _LHS + "expected symbol, but found call", name_tok.pos + 1)
        return _Group(tuple(items), name_tok.pos + 1, text)

    def item(self) -> Any:
        """One element of ``c(...)``: a target, or ``name = default``."""
        tok = self.peek()
        if tok.kind in ("name", "str") and self.is_op("=", 1):
            self.take()
            self.take()  # "="
            name = tok.text[1:-1] if tok.kind == "str" else tok.text
            default = self.default(name)
            if tok.kind == "name" and not tok.quoted and name in _R_CONSTANTS:
                return _Bad(
                    "variable",
                    _LHS + f"expected symbol, but found {_R_CONSTANTS[name]}",
                    tok.pos + 1,
                )
            if tok.kind == "name" and not tok.quoted and name == ".":
                return _Skip(tok.pos + 1, default)
            if tok.kind == "name" and not tok.quoted and name.startswith("..."):
                rest = name[3:]
                return _Collector(None if rest in ("", ".") else rest, tok.pos + 1, default)
            return _Name(name, tok.pos + 1, default)
        return self.target(self.expression(0))

    def default(self, name: str) -> _Default:
        """Capture the raw default text up to the next top-level ``,`` or ``)``."""
        start = self.toks[self.i].pos
        end = _scan_default(self.src, start)
        text = self.src[start:end].strip()
        column = start + (len(self.src[start:end]) - len(self.src[start:end].lstrip())) + 1
        if not text:
            raise UnpackSyntaxError(
                _LHS + f"the default value of `{name}` is empty", self.src, start + 1
            )
        code = _compile_default(text, self.src, column)
        # move the token cursor past the default
        while self.peek().kind != "eof" and self.peek().pos < end:
            self.i += 1
        return _Default(text, code, column)

    # -- expressions (Pratt parser over R's operator precedence) ---------------------
    def expression(self, min_bp: int) -> _Expr:
        tok = self.take()
        col = tok.pos + 1
        if tok.kind == "name":
            if not tok.quoted and tok.text in _R_RESERVED:
                raise UnpackSyntaxError(
                    _LHS + f"cannot parse the pattern: `{tok.text}` is a reserved word in R "
                    "and cannot be a variable name",
                    self.src,
                    col,
                )
            if tok.text == "c" and self.is_op("("):
                group = self.group(tok)
                left = (
                    _Expr("group", col, node=group)
                    if isinstance(group, _Group)
                    else _Expr("call", col, name="c", nargs=0)
                )
            elif not tok.quoted and tok.text in _R_CONSTANTS:
                left = _Expr("constant", col, name=_R_CONSTANTS[tok.text])
            else:
                left = _Expr("symbol", col, name=tok.text, quoted=tok.quoted)
        elif tok.kind == "num":
            rclass = "integer" if tok.text.endswith("L") else "numeric"
            rclass = "complex" if tok.text.endswith("i") else rclass
            left = _Expr("constant", col, name=rclass)
        elif tok.kind == "str":
            left = _Expr("constant", col, name="character")
        elif tok.kind == "op" and tok.text in _PREFIX:
            self.expression(_PREFIX[tok.text])
            left = _Expr("call", col, name=tok.text, nargs=1)
        elif tok.kind == "op" and tok.text == "(":
            self.expression(0)
            self.expect(")")
            left = _Expr("call", col, name="(", nargs=1)
        elif tok.kind == "op" and tok.text == "{":
            n = 0
            while not self.is_op("}"):
                if self.peek().kind == "eof":
                    raise self.fail("expected `}`", self.peek())
                if self.is_op(";"):
                    self.take()
                    continue
                self.expression(0)
                n += 1
            self.take()
            left = _Expr("call", col, name="{", nargs=n)
        elif tok.kind == "op" and tok.text == "\\":
            raise self.fail("a function is not a name", tok)
        else:
            raise self.fail("expected a name", tok)

        while True:
            tok = self.peek()
            if tok.kind != "op":
                break
            op = tok.text
            if op in ("(", "[", "[[") and _POSTFIX_BP >= min_bp:
                self.take()
                nargs = self.arguments({"(": ")", "[": "]", "[[": "]]"}[op])
                if op == "(":
                    fname = left.name if left.kind == "symbol" else "("
                    left = _Expr("call", left.column, name=fname, nargs=nargs)
                else:
                    left = _Expr("call", tok.pos + 1, name=op, nargs=nargs + 1)
                continue
            if op.startswith("%") and len(op) > 1:
                lbp, rbp = 120, 121
            elif op in _INFIX:
                lbp, rbp = _INFIX[op]
            else:
                break
            if lbp < min_bp:
                break
            self.take()
            if op in ("$", "@"):
                name = self.take()
                if name.kind not in ("name", "str"):
                    raise self.fail("expected a name after `" + op + "`", name)
            else:
                self.expression(rbp)
            left = _Expr("call", tok.pos + 1, name=op, nargs=2)
        return left

    def arguments(self, close: str) -> int:
        """Skip a call's arguments up to ``close``; return how many there were."""
        n = 0
        if close == "]]":
            closers = ["]", "]"]
        else:
            closers = [close]
        if self.is_op(closers[0]):
            for c in closers:
                self.expect(c)
            return 0
        while True:
            if self.is_op(","):
                self.take()  # empty argument, e.g. x[, 1]
                n += 1
                continue
            if self.peek().kind in ("name", "str") and self.is_op("=", 1):
                self.take()
                self.take()
            if not self.is_op(closers[0]):
                self.expression(0)
            n += 1
            if self.is_op(","):
                self.take()
                continue
            for c in closers:
                self.expect(c)
            return n


def _scan_default(src: str, start: int) -> int:
    """Offset of the ``,`` or ``)`` that ends a default starting at ``start``."""
    depth = 0
    i = start
    quote = ""
    while i < len(src):
        ch = src[i]
        if quote:
            if ch == "\\":
                i += 2
                continue
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            if depth == 0:
                return i
            depth -= 1
        elif ch == "," and depth == 0:
            return i
        i += 1
    return i


_SAFE_BUILTINS = {
    name: getattr(builtins, name)
    for name in (
        "abs all any bool complex dict divmod enumerate filter float frozenset int len list "
        "map max min pow range repr reversed round set slice sorted str sum tuple zip"
    ).split()
}


def _r_c(*args: Any) -> list[Any]:
    """R's ``c()`` in a default, e.g. ``c(a, b = c(1, 2))``: a list of the arguments."""
    return list(args)


_DEFAULT_GLOBALS: dict[str, Any] = {
    "TRUE": True,
    "FALSE": False,
    "NULL": None,
    "NA": None,
    "Inf": math.inf,
    "NaN": math.nan,
    "c": _r_c,
}


def _compile_default(text: str, src: str, column: int) -> CodeType:
    """Check a default expression once, when the pattern is parsed."""
    try:
        tree = ast.parse(text, mode="eval")
    except (SyntaxError, ValueError) as e:
        lineno, offset = getattr(e, "lineno", 1), getattr(e, "offset", 1)
        offset = max((offset or 1) - 1, 0) if (lineno or 1) == 1 else 0
        why = getattr(e, "msg", str(e))
        raise UnpackSyntaxError(
            _LHS + f"the default `{text}` is not a Python expression ({why})",
            src,
            column + min(offset, len(text) - 1),
        ) from None
    for node in ast.walk(tree):
        bad = None
        if isinstance(node, ast.NamedExpr):
            bad = "an assignment expression `:=`"
        elif isinstance(node, ast.Lambda):
            bad = "a lambda"
        elif isinstance(node, ast.Attribute) and node.attr.startswith("_"):
            bad = f"the private attribute `{node.attr}`"
        elif isinstance(node, ast.Name) and node.id.startswith("__"):
            bad = f"the name `{node.id}`"
        if bad:
            raise UnpackPatternError(
                _LHS + f"the default `{text}` uses {bad}, which defaults may not use",
                src,
                column,
            )
    return compile(tree, "<unpack default>", "eval")


def _validate(root: Any, src: str) -> None:
    """Raise the first error in zeallot's order: calls, then variables, then collectors."""
    bads: list[_Bad] = []
    groups: list[_Group] = []

    def walk(node: Any) -> None:
        if isinstance(node, _Bad):
            bads.append(node)
        elif isinstance(node, _Group):
            groups.append(node)
            for item in node.items:
                walk(item)

    walk(root)
    for kind in ("call", "variable"):
        for bad in bads:
            if bad.kind == kind:
                raise UnpackPatternError(bad.reason, src, bad.column)
    for group in groups:
        collectors = [item for item in group.items if isinstance(item, _Collector)]
        if len(collectors) > 1:
            raise UnpackPatternError(
                _LHS + "multiple collector variables at the same depth",
                src,
                collectors[1].column,
            )


@functools.lru_cache(maxsize=512)
def _parse(pattern: str) -> _Pattern:
    """Parse a pattern once; later calls with the same string hit the cache."""
    return _Parser(pattern).parse()


# =====================================================================================
# destructure()
# =====================================================================================
@functools.singledispatch
def destructure(value: Any) -> list[Any]:
    """Split one object into a list of values, for ``unpack()``; extend it for your types.

    ``unpack()`` calls it when a value is not a list or an array (a data frame, a date,
    a single string) or is a one-element list whose element does not fit the pattern,
    as zeallot does. Methods: ``str`` -> its characters; ``datetime.date`` (and
    ``datetime``) -> ``[year, month, day]``; ``complex`` -> ``[real, imag]``; pandas
    ``DataFrame`` -> its columns as Series (never the column names); ``dict`` and
    ``NamedList`` -> their values; numpy arrays -> sub-arrays along the first axis; a
    pandas ``Series`` -> its elements;
    ``list``/``tuple`` (any sequence but strings) -> their elements. Anything else raises
    :class:`UnpackValueCountError`. Register a method for your own class with
    ``@destructure.register``; it must return a list.

    R: ``destructure.shape <- function(x) list(x$sides, x$color)``
    Python: ``@destructure.register(Shape)`` / ``def _(x): return [x.sides, x.color]``
    """
    kind = type(value).__name__
    if _register_pandas():  # a pandas object met before its methods were registered
        return destructure(value)
    raise UnpackValueCountError(
        INCORRECT_NUMBER_OF_VALUES + f": destructure() has no method for {kind}; "
        f"register one with @destructure.register({kind})"
    )


_destructure_default = destructure.dispatch(object)


@destructure.register(str)
def _destructure_str(value: str) -> list[Any]:
    return list(value)


@destructure.register(datetime.date)
def _destructure_date(value: datetime.date) -> list[Any]:
    return [value.year, value.month, value.day]


@destructure.register(np.datetime64)
def _destructure_datetime64(value: np.datetime64) -> list[Any]:
    day = value.astype("datetime64[D]").item()
    if not isinstance(day, datetime.date):
        return _destructure_default(value)
    return _destructure_date(day)


@destructure.register(complex)
@destructure.register(np.complexfloating)
def _destructure_complex(value: complex) -> list[Any]:
    return [value.real, value.imag]


def _destructure_data_frame(value: Any) -> list[Any]:
    # by position, so that duplicated column names still give one Series each
    return [value.iloc[:, j] for j in range(value.shape[1])]


def _destructure_series(value: Any) -> list[Any]:
    return value.tolist()


def _register_pandas() -> bool:
    """Register the pandas methods once pandas is loaded (``import kerasr`` stays fast).

    Returns True when it registered them just now."""
    pd = sys.modules.get("pandas")
    if pd is None or pd.DataFrame in destructure.registry:
        return False
    destructure.register(pd.DataFrame, _destructure_data_frame)
    destructure.register(pd.Series, _destructure_series)
    return True


@destructure.register(Mapping)
def _destructure_mapping(value: Mapping[Any, Any]) -> list[Any]:
    return list(value.values())


@destructure.register(NamedList)
def _destructure_named_list(value: NamedList) -> list[Any]:
    return value.values()


@destructure.register(np.ndarray)
def _destructure_ndarray(value: np.ndarray) -> list[Any]:
    if value.ndim == 0:
        return destructure(value[()])
    return list(value)


@destructure.register(list)
@destructure.register(tuple)
@destructure.register(Sequence)
def _destructure_sequence(value: Sequence[Any]) -> list[Any]:
    return list(value)


def _has_method(value: Any) -> bool:
    _register_pandas()
    return destructure.dispatch(type(value)) is not _destructure_default


# =====================================================================================
# Values being unpacked
# =====================================================================================
def _is_r_list(value: Any) -> bool:
    """Does ``value`` play the part of an R list (unpacked at any depth)?"""
    if isinstance(value, (NamedList, Mapping)):
        return True
    return isinstance(value, Sequence) and not isinstance(value, (str, bytes, bytearray))


def _is_pandas_series(value: Any) -> bool:
    pd = sys.modules.get("pandas")
    return pd is not None and isinstance(value, pd.Series)


def _is_scalar(value: Any) -> bool:
    """An R atomic vector of length one: split only by ``destructure()``."""
    return isinstance(value, (str, bytes, int, float, complex, np.generic, datetime.date)) or (
        isinstance(value, np.ndarray) and value.ndim == 0
    )


class _Values:
    """The values at one depth: their number, each by position, and slices for collectors."""

    __slots__ = ("source", "kind", "n", "_items", "desc", "_base", "n_real")

    def __init__(self, source: Any, kind: str, items: Any, n: int, desc: str) -> None:
        self.source = source
        self.kind = kind  # list, tuple, dict, namedlist, array, series, scalar, destructured
        self._items = items
        self.n = n
        self.desc = desc
        self._base: _Values | None = None
        self.n_real = n

    def get(self, i: int) -> Any:
        if self._base is not None and i < self.n_real:
            return self._base.get(i)
        if self.kind == "series":
            return self.source.iloc[i]
        return self._items[i]

    def collect(self, start: int, stop: int) -> Any:
        if self._base is not None:
            return self._base.collect(start, stop)
        if self.kind == "array":
            return self.source[start:stop]
        if self.kind == "series":
            return self.source.iloc[start:stop]
        if self.kind == "namedlist":
            return self.source[start:stop]
        if self.kind == "dict":
            return dict(list(self.source.items())[start:stop])
        return list(self._items[start:stop])

    def with_defaults(self, extra: list[Any]) -> _Values:
        filled = _Values(
            self.source,
            "list",
            [*map(self.get, range(self.n)), *extra],
            self.n + len(extra),
            self.desc,
        )
        filled._base = self
        filled.n_real = self.n
        return filled


def _describe(value: Any) -> str:
    """A few words on a value, for error messages."""
    kind = type(value).__name__
    if isinstance(value, NamedList):
        names = ", ".join(str(n) for n in value.names())
        return f"a NamedList of length {len(value)} ({names})"
    if isinstance(value, np.ndarray) and value.ndim:
        return f"a numpy array of shape {value.shape}"
    if isinstance(value, (str, bytes)):
        shown = repr(value) if len(value) <= 20 else repr(value[:17]) + "..."
        return f"the {kind} {shown}"
    if _is_scalar(value):
        shown = repr(value)
        return f"{shown if len(shown) <= 30 else shown[:27] + '...'} ({kind})"
    try:
        length = len(value)
    except TypeError:
        return f"an object of type {kind}"
    return f"a {kind} of length {length}"


def _list_values(value: Any) -> _Values:
    if isinstance(value, NamedList):
        return _Values(value, "namedlist", value.values(), len(value), _describe(value))
    if isinstance(value, Mapping):
        items = list(value.values())
        return _Values(value, "dict", items, len(items), _describe(value))
    items = value if isinstance(value, (list, tuple)) else list(value)
    return _Values(value, "list", items, len(items), _describe(value))


def _top_values(value: Any) -> _Values:
    """Values of the whole right-hand side, as zeallot's ``multi_assign`` sees them."""
    if _is_r_list(value):
        return _list_values(value)
    if isinstance(value, np.ndarray) and value.ndim >= 1:
        return _Values(value, "array", value, value.shape[0], _describe(value))
    if _is_pandas_series(value):
        return _Values(value, "series", None, len(value), f"a pandas Series of length {len(value)}")
    if _is_scalar(value):
        return _Values(value, "scalar", [value], 1, _describe(value))
    return _destructured(value)


def _destructured(value: Any) -> _Values:
    items = destructure(value)
    if isinstance(items, NamedList):
        items = items.values()
    elif isinstance(items, Mapping):
        items = list(items.values())
    elif not isinstance(items, list):
        if isinstance(items, Sequence) and not isinstance(items, (str, bytes)):
            items = list(items)
        else:
            raise TypeError(
                f"destructure() for {type(value).__name__} must return a list, "
                f"not {type(items).__name__}"
            )
    desc = f"{_describe(value)} destructured into {len(items)}"
    return _Values(value, "destructured", items, len(items), desc)


# =====================================================================================
# Matching
# =====================================================================================
class _Matcher:
    def __init__(self, pattern: _Pattern, into: Mapping[str, Any] | None) -> None:
        self.pattern = pattern
        self.into = into
        self.out: list[tuple[str, Any]] = []

    def count_error(self, group: _Group, vals: _Values | None, detail: str = "") -> NoReturn:
        k = len(group.items)
        ci = group.collector_index
        need_min = group.min_values
        if ci is not None and group.items[ci].default is None:
            need_min = max(need_min, k)
        if ci is not None:
            need = f"at least {need_min} value{'s' if need_min != 1 else ''}"
            coll = group.items[ci]
            names = (
                f"{k} name{'s' if k != 1 else ''} including the collector `...{coll.name or ''}`"
            )
        else:
            need = (
                f"exactly {k} value{'s' if k != 1 else ''}"
                if need_min == k
                else f"{need_min} to {k} values"
            )
            names = f"{k} name{'s' if k != 1 else ''}"
        where = f"`{group.text}`"
        if group is not self.pattern.root:
            where += f" (inside `{self.pattern.text}`)"
        its = "the" if group is self.pattern.root else "its"
        if detail:
            found = detail
        else:
            assert vals is not None
            found = f"{its} value has {vals.n} ({vals.desc})"
        raise UnpackValueCountError(
            INCORRECT_NUMBER_OF_VALUES + f": {where} has {names}, so it needs {need}, but {found}",
            pattern=self.pattern.text,
            group=group.text,
            n_names=k,
            n_values=None if vals is None else vals.n,
        )

    def run(self, value: Any) -> list[tuple[str, Any]]:
        root = self.pattern.root
        if isinstance(root, _Name):
            self.out.append((root.name, value))
            return self.out
        if isinstance(root, _Skip):
            return self.out
        splittable = (
            _is_r_list(value)
            or _is_scalar(value)
            or isinstance(value, np.ndarray) or _is_pandas_series(value)
            or _has_method(value)
        )
        if not splittable:
            self.count_error(
                root,
                None,
                f"the value is {_describe(value)} and destructure() has no method for "
                f"{type(value).__name__} (register one with @destructure.register)",
            )
        vals = _top_values(value)
        if vals.n == 0:
            self.count_error(root, vals)
        self.match(root, vals, top=True)
        return self.out

    def match(self, group: _Group, vals: _Values, top: bool, destructured: bool = False) -> None:
        k = len(group.items)
        ci = group.collector_index
        n = vals.n
        if n == k or (ci is not None and n > k):
            self.assign(group, vals)
            return
        if n < k and group.min_values <= n:
            extra = [self.evaluate(group.items[i]) for i in range(n, k)]
            self.assign(group, vals.with_defaults(extra))
            return
        if n == 1 and not destructured and vals.kind != "nested":
            item = vals.get(0)
            if not _is_r_list(item):
                if _has_method(item):
                    self.match(group, _destructured(item), top, destructured=True)
                    return
                if vals.kind == "scalar":
                    self.count_error(
                        group,
                        vals,
                        f"the value is {_describe(item)}, which destructure() cannot split "
                        f"(it has no method for {type(item).__name__}; register one with "
                        "@destructure.register)",
                    )
        self.count_error(group, vals)

    def assign(self, group: _Group, vals: _Values) -> None:
        items = group.items
        k = len(items)
        ci = group.collector_index
        n = vals.n
        if ci is None:
            for i, item in enumerate(items):
                self.bind(item, vals.get(i))
            return
        after = k - 1 - ci
        for i in range(ci):
            self.bind(items[i], vals.get(i))
        if ci >= vals.n_real:
            collected = vals.get(ci)  # the collector's own default, as is
        else:
            collected = vals.collect(ci, n - after)
        self.bind(items[ci], collected)
        for j in range(after):
            self.bind(items[ci + 1 + j], vals.get(n - after + j))

    def bind(self, item: Any, value: Any) -> None:
        if isinstance(item, _Name):
            self.out.append((item.name, value))
        elif isinstance(item, _Collector):
            if item.name is not None:
                self.out.append((item.name, value))
        elif isinstance(item, _Group):
            self.nested(item, value)
        # _Skip: nothing

    def nested(self, group: _Group, value: Any) -> None:
        if _is_r_list(value):
            self.match(group, _list_values(value), top=False)
            return
        # zeallot unpacks nested values only from lists; defaults may still complete a
        # single value (``c(x, c(b, d = 2)) %<-% list(1, 5)``)
        r_length = (
            value.shape[0]
            if isinstance(value, np.ndarray) and value.ndim
            else len(value)
            if _is_pandas_series(value)
            else 1
        )
        if r_length == 1 and len(group.items) > 1 and group.min_values <= 1:
            self.match(group, _Values(value, "nested", [value], 1, ""), top=False)
            return
        self.count_error(
            group,
            _Values(value, "nested", None, r_length, ""),
            f"its value is {_describe(value)}, not a list; nested values are unpacked only "
            "from lists (list, tuple, NamedList or dict), as in zeallot",
        )

    def evaluate(self, item: Any) -> Any:
        default: _Default = item.default
        try:
            return ast.literal_eval(default.text)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            pass
        scope = dict(_DEFAULT_GLOBALS)
        if self.into is not None:
            scope.update(self.into)
        scope["__builtins__"] = _SAFE_BUILTINS
        try:
            return eval(default.code, scope)  # noqa: S307 - checked when parsed
        except Exception as e:
            name = getattr(item, "name", None) or "."
            raise UnpackDefaultError(
                _LHS + f"cannot evaluate the default of `{name}`, `{default.text}`: "
                f"{type(e).__name__}: {e}"
            ) from e


# =====================================================================================
# unpack()
# =====================================================================================
def unpack(pattern: str, value: Any, into: MutableMapping[str, Any] | None = None) -> NamedList:
    """Unpack ``value`` by zeallot's left-hand side ``pattern``; bind into ``into`` if given.

    ``pattern`` is the R text left of ``%<-%``: a name, or ``c(...)`` of names, nested
    ``c(...)``, collectors ``...rest`` (anonymous ``...`` discards), ``.`` to skip one
    value, and defaults ``name = expr``. A default is a Python expression (R's ``TRUE``,
    ``FALSE``, ``NULL``, ``NA``, ``Inf`` and ``c(...)`` work too), evaluated only when the
    values run out: first as a literal, then by ``eval`` over the names in ``into`` with a
    few safe builtins. Collectors from numpy arrays bind arrays, from lists lists, from a
    NamedList a NamedList (names kept), from a destructured string a list of characters.

    Returns a :class:`NamedList` of the bindings in pattern order (iteration gives the
    values, so ``a, b = unpack("c(a, b)", v)`` works). ``into`` may be a module's
    ``globals()`` or any dict (a function's ``locals()`` cannot be written to). Names that
    are not Python
    identifiers (R's ``x.train``) are bound under that exact key, with a warning when
    ``into`` is given. Raises :class:`UnpackValueCountError` when the numbers of names and
    values differ, :class:`UnpackPatternError` (or :class:`UnpackSyntaxError`) for a
    malformed pattern, :class:`UnpackDefaultError` when a default cannot be evaluated.

    R: ``c(c(x_train, y_train), c(x_test, y_test)) %<-% dataset_mnist()``
    Python: ``unpack("c(c(x_train, y_train), c(x_test, y_test))", dataset_mnist(), into=globals())``
    """
    if not isinstance(pattern, str):
        raise TypeError(
            f'unpack(): `pattern` must be a string such as "c(a, b)", not {type(pattern).__name__}'
        )
    parsed = _parse(pattern)
    bindings = _Matcher(parsed, into).run(value)
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
