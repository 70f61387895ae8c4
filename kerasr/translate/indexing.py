"""R indexing as Python: 1-based to 0-based, ``x[1:3]``, ``x[, 1]``, ``x[[i]]``, ``x$name``.
Mixed into :class:`~kerasr.translate.emitter.Emitter`."""

from __future__ import annotations

import re
from typing import Any

from . import rules
from .code import POSTFIX, Arg, Code, Untranslatable, int_literal, is_identifier

__all__: list[str] = []


class IndexingMixin:
    """``[``, ``[[`` and ``$``: R's 1-based positions become Python's 0-based ones."""

    def _x_subset(self, node: Any) -> Code:
        obj = self.expr(node.child_by_field_name("function"))
        args = self._args(node)
        if any(a.name == "drop" for a in args):
            drop = [a for a in args if a.name == "drop"][0]
            args = [a for a in args if a.name != "drop"]
            kept = self._keep_dims(obj, args) if drop.node is not None and \
                drop.node.type == "false" else None
            if kept is not None:
                return kept
            self.todo("drop", rules.SYNTAX_TODOS["drop"])
        if len(args) == 1 and args[0].node is None:
            return Code(f"{obj.at(POSTFIX)}[:]", POSTFIX)
        if len(args) == 2 and args[0].node is None and self._is_names(args[1].node):
            # df[, "col"] / df[, c("a", "b")]: columns by name, as pandas indexes them
            return Code(f"{obj.at(POSTFIX)}[{self._index(args[1])}]", POSTFIX)
        first = args[0].node if args else None
        if first is not None and first.type == "unary_operator" and self._op(first) == "-" \
                and all(a.node is None for a in args[1:]) and re.fullmatch(r"[\w.]+", obj.text):
            # x[-i] / x[-i, ]: drop those rows (a mask works for arrays and data frames)
            inner = first.child_by_field_name("rhs")
            k = int_literal(inner)
            dropped = str(k - 1) if k is not None else (
                f"np.asarray({self.expr(inner).text}) - 1")
            self.imports.update(rules.NP)
            mask = f"~np.isin(np.arange(len({obj.text})), {dropped})"
            return Code(f"{obj.at(POSTFIX)}[{mask}]", POSTFIX)
        if len(args) == 2 and first is not None and self._is_names(args[1].node) \
                and re.fullmatch(r"[\w.]+", obj.text):
            # df[rows, "col"]: rows by position and columns by name, as pandas' iloc does
            names = self._index(args[1])
            cols = (f"{obj.text}.columns.get_indexer({names})" if names.startswith("[")
                    else f"{obj.text}.columns.get_loc({names})")
            rows = self._index(args[0])
            if first.type == "unary_operator" and self._op(first) == "-":
                inner = first.child_by_field_name("rhs")
                k = int_literal(inner)
                dropped = (str(k - 1) if k is not None
                           else f"np.asarray({self.expr(inner).text}) - 1")
                self.imports.update(rules.NP)
                rows = f"~np.isin(np.arange(len({obj.text})), {dropped})"
            return Code(f"{obj.at(POSTFIX)}.iloc[{rows}, {cols}]", POSTFIX)
        slots = [self._index(a) for a in args]
        if len(args) > 1 and any(self._is_names(a.node) for a in args):
            self.todo("data_frame_index", rules.SYNTAX_TODOS["data_frame_index"])
        return Code(f"{obj.at(POSTFIX)}[{', '.join(slots)}]", POSTFIX)

    def _is_names(self, node: Any) -> bool:
        """A string, or ``c()`` of strings (names of columns or elements)."""
        if node is None:
            return False
        if node.type == "string":
            return True
        if node.type == "call" and self._call_name(node) == "c":
            items = self._args(node)
            return bool(items) and all(a.node is not None and a.node.type == "string"
                                       for a in items)
        return False

    def _x_subset2(self, node: Any) -> Code:
        obj = self.expr(node.child_by_field_name("function"))
        args = [a for a in self._args(node) if a.node is not None]
        slots = [self._index(a) for a in args]
        return Code(f"{obj.at(POSTFIX)}[{', '.join(slots)}]", POSTFIX)

    def _index(self, arg: Arg) -> str:
        """One R index as a 0-based Python index or slice."""
        node = arg.node
        if node is None:
            return ":"
        k = int_literal(node)
        if k is not None:
            return str(k - 1)
        t = node.type
        if t == "unary_operator" and self._op(node) == "-":
            self.todo("negative_index", rules.SYNTAX_TODOS["negative_index"])
            return self.expr(node).text
        if t == "binary_operator" and self._op(node) == ":":
            lhs, rhs = node.child_by_field_name("lhs"), node.child_by_field_name("rhs")
            a, b = int_literal(lhs), int_literal(rhs)
            if a is not None and b is not None and a > b:
                return f"{a - 1}:{'' if b == 1 else b - 2}:-1"
            if a is None and b == 1:  # n:1 counts down in R
                return f"{self._plus(self.expr(lhs), -1)}::-1"
            start = str(a - 1) if a is not None else self._plus(self.expr(lhs), -1)
            return f"{start}:{self.expr(rhs).text}"
        if t in ("string", "true", "false") or (
            t == "binary_operator"
            and self._op(node) in ("==", "!=", "<", ">", "<=", ">=", "&", "|", "&&", "||", "%in%")
        ) or (t == "unary_operator" and self._op(node) == "!"):
            return self.expr(node).text
        if t == "call" and self._call_name(node) == "c":
            items = self._args(node)
            ints = [int_literal(a.node) for a in items]
            if items and all(i is not None for i in ints):
                return "[" + ", ".join(str(i - 1) for i in ints if i is not None) + "]"
            if items and all(a.node is not None and a.node.type == "string" for a in items):
                return self._c(items).text
        if t == "call" and self._call_name(node) in ("is.na", "is.null"):
            return self.expr(node).text
        return self._plus(self.expr(node), -1)

    def _x_extract_operator(self, node: Any) -> Code:
        obj = self.expr(node.child_by_field_name("lhs"))
        rhs = node.child_by_field_name("rhs")
        if rhs is None:
            raise Untranslatable("untranslated", "`$` without a name")
        key = rhs.text.decode().strip("`'\"")
        if is_identifier(key):
            return Code(f"{obj.at(POSTFIX)}.{key}", POSTFIX)
        return Code(f'{obj.at(POSTFIX)}["{key}"]', POSTFIX)

    def _keep_dims(self, obj: Code, args: list[Arg]) -> Code | None:
        """Indexing that keeps dimensions (``drop = FALSE``).

        R: ``x[, 1, drop = FALSE]``, ``df[, "a", drop = FALSE]``
        Python: ``x[:, 0:1]``, ``df[["a"]]``
        """
        if len(args) == 2 and args[0].node is None and self._is_names(args[1].node):
            names = self._index(args[1])
            return Code(f"{obj.at(POSTFIX)}[{names if names.startswith('[') else f'[{names}]'}]",
                        POSTFIX)
        slots = []
        for arg in args:
            k = int_literal(arg.node) if arg.node is not None else None
            slots.append(f"{k - 1}:{k}" if k is not None else self._index(arg))
        return Code(f"{obj.at(POSTFIX)}[{', '.join(slots)}]", POSTFIX)

