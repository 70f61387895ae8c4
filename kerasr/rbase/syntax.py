"""R's lexical rules and operator precedence (?Syntax): the tokenizer shared by
zeallot's pattern parser and the R-to-Python translator.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# =====================================================================================
# Tokenizer (R's lexical rules, enough for name structures and error reports)
# =====================================================================================
R_RESERVED = frozenset("if else repeat while function for in next break".split())
R_CONSTANTS = {
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
class Tok:
    kind: str  # "name", "num", "str", "op", "eof"
    text: str  # the name (backquotes removed) or the operator
    pos: int  # 0-based offset in the pattern
    quoted: bool = False


def tokenize(src: str) -> list[Tok]:
    toks: list[Tok] = []
    pos = 0
    while pos < len(src):
        m = _TOKEN_RE.match(src, pos)
        if m is None:
            # reported only if the parser reaches it (a default's Python text may hold it)
            toks.append(Tok("err", src[pos], pos))
            pos += 1
            continue
        kind = m.lastgroup
        assert kind is not None
        if kind != "ws":
            text = m.group()
            if kind == "bq":
                toks.append(Tok("name", text[1:-1], pos, quoted=True))
            else:
                toks.append(Tok(kind, text, pos))
        pos = m.end()
    toks.append(Tok("eof", "", len(src)))
    return toks


# Binding powers for R's operators (?Syntax), used only to find the outermost call of a
# malformed target so the error names the same call zeallot would (``a * b + d`` -> `+`).
INFIX: dict[str, tuple[int, int]] = {
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
PREFIX = {"-": 140, "+": 140, "!": 80, "~": 50, "?": 10}
POSTFIX_BP = 170  # calls f(), x[...], x[[...]]
EXTRACT = frozenset({"$", "@", "[", "[["})
