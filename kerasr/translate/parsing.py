"""Parse R with tree-sitter's maintained R grammar (r-lib/tree-sitter-r).

The grammar comes from ``tree-sitter-language-pack`` 0.x, which ships it inside the wheel
(1.x downloads grammars at run time and is not used): ``pip install "kerasr[translate]"``.
"""

from __future__ import annotations

import functools
from typing import Any

from ..errors import KerasrError

__all__: list[str] = []

EXTRA_HINT = 'install it with: pip install "kerasr[translate]"'


class RSyntaxError(KerasrError, SyntaxError):
    """R code that R's own parser would reject; nothing is translated.

    The message reads like R's: ``FILE:LINE:COL: unexpected ...`` (1-based line and column);
    ``context`` holds the source line with a caret under the column.

    R: ``parse("lab.R")`` -> ``lab.R:3:5: unexpected symbol``
    Python: ``translate_file("lab.R")`` raises ``RSyntaxError("lab.R:3:5: unexpected symbol")``
    """

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.msg = message
        self.line = line
        self.column = column
        self.context = ""

    def __str__(self) -> str:
        return self.msg


@functools.lru_cache(maxsize=1)
def _parser() -> Any:
    try:
        from tree_sitter_language_pack import get_parser
    except ImportError as exc:
        raise KerasrError(
            "translate_r(): the R parser (tree-sitter-language-pack 0.x) is not installed; "
            + EXTRA_HINT
        ) from exc
    try:
        return get_parser("r")
    except Exception as exc:  # 1.x wheels try to download the grammar and fail offline
        raise KerasrError(
            f"translate_r(): tree-sitter-language-pack could not load the R grammar ({exc}); "
            'kerasr needs a 0.x release that ships it: pip install "kerasr[translate]"'
        ) from exc


def parse_r(code: str, filename: str = "<text>", line_offset: int = 0) -> Any:
    """Parse R source and return the tree-sitter root node; raise RSyntaxError on bad R.

    ``line_offset`` is added to reported lines (for chunks of an R Markdown file).

    R: ``parse(text = "x <- 1")``
    Python: ``parse_r("x <- 1")``
    """
    source = code.encode("utf-8")
    tree = _parser().parse(source)
    root = tree.root_node
    if root.has_error:
        node = _first_error(root)
        line = node.start_point[0] + 1
        column = node.start_point[1] + 1
        if node.is_missing:
            what = f"end of input, expected '{node.type}'" if node.start_byte >= len(
                source.rstrip()
            ) else f"input, missing '{node.type}'"
            message = f"unexpected {what}"
        else:
            token = node.text.decode("utf-8", "replace").strip().splitlines()
            shown = token[0][:30] if token else ""
            message = f"unexpected '{shown}'" if shown else "unexpected input"
        text_line = code.splitlines()[line - 1] if code.splitlines()[line - 1:line] else ""
        shown_line = line + line_offset
        error = RSyntaxError(f"{filename}:{shown_line}:{column}: {message}", shown_line, column)
        error.context = (
            f"{shown_line}: {text_line}\n{' ' * (len(str(shown_line)) + 2 + column - 1)}^"
        )
        raise error
    return root


def _first_error(node: Any) -> Any:
    """The first (in source order) ERROR or MISSING node below ``node``."""
    if node.type == "ERROR" or node.is_missing:
        for child in node.children:  # an ERROR node: point at its first unexpected token
            if child.type == "ERROR" or child.is_missing:
                return _first_error(child)
        return node
    for child in node.children:
        if child.has_error or child.is_missing:
            return _first_error(child)
    return node
