"""Parse a zeallot left-hand side (``c(a, c(b, ...rest))``) into a pattern, with R's errors."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from ..rbase.syntax import (
    EXTRACT,
    INFIX,
    POSTFIX_BP,
    PREFIX,
    R_CONSTANTS,
    R_RESERVED,
    Tok,
    tokenize,
)
from .defaults import parse_default
from .errors import LHS, UnpackPatternError, UnpackSyntaxError
from .patterns import Bad, Collector, Default, Group, Name, Pattern, Skip


@dataclass(frozen=True)
class _Expr:
    """What a target expression turned out to be."""

    kind: str  # "group", "symbol", "call", "constant"
    column: int
    node: Any = None  # the Group for "group"
    name: str = ""  # symbol name, called function, or constant's R class
    nargs: int = 0
    quoted: bool = False


class _Parser:
    """Recursive descent over R tokens: ``c(...)`` groups of names, with R's errors."""

    def __init__(self, src: str) -> None:
        self.src = src
        self.toks = tokenize(src)
        self.i = 0

    # -- helpers ---------------------------------------------------------------------
    def peek(self, k: int = 0) -> Tok:
        return self.toks[min(self.i + k, len(self.toks) - 1)]

    def take(self) -> Tok:
        tok = self.toks[self.i]
        if tok.kind != "eof":
            self.i += 1
        return tok

    def is_op(self, text: str, k: int = 0) -> bool:
        tok = self.peek(k)
        return tok.kind == "op" and tok.text == text

    def fail(self, message: str, tok: Tok) -> UnpackSyntaxError:
        if tok.kind == "err":
            if tok.text in "\"'`":
                message = "unterminated quote"
            else:
                hint = "; use `.` to skip a value" if tok.text == "_" else ""
                message = f"unexpected input `{tok.text}`{hint}"
            return UnpackSyntaxError(
                LHS + f"cannot parse the pattern: {message}", self.src, tok.pos + 1
            )
        found = "the end of the pattern" if tok.kind == "eof" else f"`{tok.text}`"
        return UnpackSyntaxError(
            LHS + f"cannot parse the pattern: {message}, found {found}", self.src, tok.pos + 1
        )

    def expect(self, text: str) -> Tok:
        if not self.is_op(text):
            raise self.fail(f"expected `{text}`", self.peek())
        return self.take()

    # -- entry -----------------------------------------------------------------------
    def parse(self) -> Pattern:
        if self.peek().kind == "eof":
            raise UnpackSyntaxError(LHS + "the pattern is empty", self.src, 1)
        expr = self.expression(0)
        tok = self.peek()
        if tok.kind != "eof":
            raise self.fail("expected the end of the pattern", tok)
        root = self.target(expr, top=True)
        _validate(root, self.src)
        return Pattern(self.src, root)

    # -- targets -----------------------------------------------------------------------
    def target(self, expr: _Expr, top: bool = False) -> Any:
        """Turn a parsed expression into a pattern node (or a Bad placeholder)."""
        if expr.kind == "group":
            return expr.node
        if expr.kind == "symbol":
            name = expr.name
            if not expr.quoted and name == ".":
                return Skip(expr.column)
            if not expr.quoted and name.startswith("..."):
                if top:
                    raise UnpackPatternError(
                        LHS + f"a collector `{name}` must be inside c(), e.g. c(a, {name})",
                        self.src,
                        expr.column,
                    )
                rest = name[3:]
                return Collector(None if rest in ("", ".") else rest, expr.column)
            return Name(name, expr.column)
        if expr.kind == "constant":
            return Bad("variable", LHS + f"expected symbol, but found {expr.name}", expr.column)
        # a call
        if top and expr.name == "=":
            raise UnpackPatternError(
                LHS + "unexpected call `=`: a default (`name = value`) is allowed only "
                "inside c(), e.g. c(a, b = 1)",
                self.src,
                expr.column,
            )
        if top and expr.name in ("%<-%", "%->%", "<-", "->"):
            raise UnpackPatternError(
                LHS + f"unexpected call `{expr.name}`: pass only the left-hand side of "
                "`%<-%` as the pattern, and the value as the second argument: "
                'unpack("c(a, b)", value)',
                self.src,
                expr.column,
            )
        if expr.name in EXTRACT:
            return Bad(
                "call",
                LHS + f"unexpected call `{expr.name}`: assigning into part of an object "
                "(`x$a`, `x[[1]]`, `x[1]`) is not supported by kerasr's unpack(); bind a "
                "plain name and assign it yourself",
                expr.column,
            )
        if expr.nargs == 0:
            return Bad("variable", LHS + "expected symbol, but found call", expr.column)
        return Bad("call", LHS + f"unexpected call `{expr.name}`", expr.column)

    def group(self, name_tok: Tok) -> Group:
        """Parse ``c( item, item, ... )``; the ``c`` has been taken."""
        self.expect("(")
        items: list[Any] = []
        while True:
            tok = self.peek()
            if self.is_op(",") or self.is_op(")"):
                items.append(
                    Bad(
                        "variable",
                        LHS + "found empty variable, check for extraneous commas",
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
        if len(items) == 1 and isinstance(items[0], Bad) and items[0].reason.endswith("commas"):
            # ``c()``: R sees a call with no arguments, not an empty variable
            items = []
        text = self.src[name_tok.pos : close.pos + 1]
        if not items:
            return Bad("variable", LHS + "expected symbol, but found call", name_tok.pos + 1)
        return Group(tuple(items), name_tok.pos + 1, text)

    def item(self) -> Any:
        """One element of ``c(...)``: a target, or ``name = default``."""
        tok = self.peek()
        if tok.kind in ("name", "str") and self.is_op("=", 1):
            self.take()
            self.take()  # "="
            name = tok.text[1:-1] if tok.kind == "str" else tok.text
            default = self.default(name)
            if tok.kind == "name" and not tok.quoted and name in R_CONSTANTS:
                return Bad(
                    "variable",
                    LHS + f"expected symbol, but found {R_CONSTANTS[name]}",
                    tok.pos + 1,
                )
            if tok.kind == "name" and not tok.quoted and name == ".":
                return Skip(tok.pos + 1, default)
            if tok.kind == "name" and not tok.quoted and name.startswith("..."):
                rest = name[3:]
                return Collector(None if rest in ("", ".") else rest, tok.pos + 1, default)
            return Name(name, tok.pos + 1, default)
        return self.target(self.expression(0))

    def default(self, name: str) -> Default:
        """Parse the default (an R literal) up to the next top-level ``,`` or ``)``."""
        start = self.toks[self.i].pos
        end = _scan_default(self.src, start)
        text = self.src[start:end].strip()
        column = start + (len(self.src[start:end]) - len(self.src[start:end].lstrip())) + 1
        if not text:
            raise UnpackSyntaxError(
                LHS + f"the default value of `{name}` is empty", self.src, start + 1
            )
        tree = parse_default(text, self.src, column - 1)
        # move the token cursor past the default
        while self.peek().kind != "eof" and self.peek().pos < end:
            self.i += 1
        return Default(text, tree, column)

    # -- expressions (Pratt parser over R's operator precedence) ---------------------
    def expression(self, min_bp: int) -> _Expr:
        tok = self.take()
        col = tok.pos + 1
        if tok.kind == "name":
            if not tok.quoted and tok.text in R_RESERVED:
                raise UnpackSyntaxError(
                    LHS + f"cannot parse the pattern: `{tok.text}` is a reserved word in R "
                    "and cannot be a variable name",
                    self.src,
                    col,
                )
            if tok.text == "c" and self.is_op("("):
                group = self.group(tok)
                left = (
                    _Expr("group", col, node=group)
                    if isinstance(group, Group)
                    else _Expr("call", col, name="c", nargs=0)
                )
            elif not tok.quoted and tok.text in R_CONSTANTS:
                left = _Expr("constant", col, name=R_CONSTANTS[tok.text])
            else:
                left = _Expr("symbol", col, name=tok.text, quoted=tok.quoted)
        elif tok.kind == "num":
            rclass = "integer" if tok.text.endswith("L") else "numeric"
            rclass = "complex" if tok.text.endswith("i") else rclass
            left = _Expr("constant", col, name=rclass)
        elif tok.kind == "str":
            left = _Expr("constant", col, name="character")
        elif tok.kind == "op" and tok.text in PREFIX:
            self.expression(PREFIX[tok.text])
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
            if op in ("(", "[", "[[") and POSTFIX_BP >= min_bp:
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
            elif op in INFIX:
                lbp, rbp = INFIX[op]
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


def _validate(root: Any, src: str) -> None:
    """Raise the first error in zeallot's order: calls, then variables, then collectors."""
    bads: list[Bad] = []
    groups: list[Group] = []

    def walk(node: Any) -> None:
        if isinstance(node, Bad):
            bads.append(node)
        elif isinstance(node, Group):
            groups.append(node)
            for item in node.items:
                walk(item)

    walk(root)
    for kind in ("call", "variable"):
        for bad in bads:
            if bad.kind == kind:
                raise UnpackPatternError(bad.reason, src, bad.column)
    for group in groups:
        collectors = [item for item in group.items if isinstance(item, Collector)]
        if len(collectors) > 1:
            raise UnpackPatternError(
                LHS + "multiple collector variables at the same depth",
                src,
                collectors[1].column,
            )


@functools.lru_cache(maxsize=512)
def parse(pattern: str) -> Pattern:
    """Parse a pattern once; later calls with the same string hit the cache."""
    return _Parser(pattern).parse()
