"""Walk an R syntax tree (tree-sitter) and write Python that uses kerasr.

The emitter knows R's statements (assignments, blocks, loops, function definitions); R's
expressions are in :mod:`.expressions` and calls in :mod:`.calls`. What each R function becomes
is looked up in :mod:`kerasr.translate.rules`, with the calls a template cannot say in
:mod:`.base_r`, indexing in :mod:`.indexing`, dplyr in :mod:`.tidy` and ggplot2 in
:mod:`.ggplot`. Anything it cannot translate is kept as close to the R as valid Python
allows, under a ``# TODO(kerasr): <reason>`` line.
"""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from . import rules
from .base_r import BaseRMixin
from .calls import CallMixin
from .code import (
    KERASR_IMPORT,
    LAMBDA,
    POSTFIX,
    SHIFT,
    TODO_PREFIX,
    Code,
    Untranslatable,
    py_name,
)
from .expressions import ExpressionMixin
from .ggplot import GgplotMixin
from .indexing import IndexingMixin
from .report import Report
from .tidy import TidyMixin

__all__: list[str] = []



@dataclass
class _Frame:
    indent: str = ""
    todos: list[tuple[str, str]] = field(default_factory=list)
    hoisted: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)


class KerasrNames:
    """What kerasr exports: names, which ones take ``>>``, their parameter names."""

    def __init__(self) -> None:
        import inspect

        import kerasr

        self.names = frozenset(kerasr.__all__)
        pipeable: set[str] = set()
        params: dict[str, list[str]] = {}
        for name in self.names:
            obj = getattr(kerasr, name, None)
            if not callable(obj) or isinstance(obj, type):
                continue
            try:
                sig = inspect.signature(obj)
            except (TypeError, ValueError):
                continue
            names = [p.name for p in sig.parameters.values()]
            params[name] = names
            if hasattr(obj, "_kerasr_target") or name.startswith(rules.PIPEABLE_PREFIXES):
                pipeable.add(name)
        self.pipeable = frozenset(pipeable)
        self.params = params


class Emitter(ExpressionMixin, CallMixin, BaseRMixin, IndexingMixin, TidyMixin, GgplotMixin):
    """Translate R statements to Python lines; one instance per file (shared by its chunks)."""

    def __init__(self, names: KerasrNames, report: Report) -> None:
        self.k = names
        self.report = report
        self.imports: set[str] = set()
        self.library_imports: set[str] = set()
        self.user_functions: set[str] = set()
        self.variables: set[str] = set()
        self._frames: list[_Frame] = []
        self._consumed: set[int] = set()
        self._fn_counter = 0
        self._hoist_comments = False
        self._mask: set[str] | None = None  # inside a dplyr verb: names may be columns
        self._mask_var = "d"
        self._want_function = False
        self._formula_names: dict[str, str] = {}  # inside a purrr formula: .x -> x
        self._panels: tuple[str, str] | None = None  # par(mfrow = c(r, c)) in effect
        self._device: str | None = None  # png(file) open: dev.off() saves the figure there
        self.chunk = 0  # which chunk of an R Markdown file (lines are counted per chunk)

    # ======================================================================================
    # Blocks and statements
    # ======================================================================================
    def program(self, root: Any) -> list[str]:
        """Translate a whole program (or chunk) to Python lines."""
        self._collect_functions(root)
        self._panels = None  # knitr opens a new graphics device for every chunk
        return self.block(root.children, "")

    def _collect_functions(self, root: Any) -> None:
        """Names the code defines: its functions, and variables that shadow R's names."""
        for node in self._walk(root):
            if node.type == "binary_operator" and self._op(node) in ("<-", "=", "<<-", "%<-%"):
                lhs, rhs = node.child_by_field_name("lhs"), node.child_by_field_name("rhs")
                if lhs is None or rhs is None:
                    continue
                if rhs.type == "function_definition" and lhs.type == "identifier":
                    self.user_functions.add(lhs.text.decode().strip("`"))
                elif lhs.type == "identifier":
                    self.variables.add(lhs.text.decode().strip("`"))
                elif self._op(node) == "%<-%":
                    self.variables.update(
                        n.text.decode() for n in self._walk(lhs) if n.type == "identifier"
                    )
            elif node.type == "for_statement":
                var = node.child_by_field_name("variable")
                if var is not None:
                    self.variables.add(var.text.decode())
            elif node.type == "parameter":
                name = node.child_by_field_name("name")
                if name is not None:
                    self.variables.add(name.text.decode())

    def block(self, nodes: Iterable[Any], indent: str, return_last: bool = False) -> list[str]:
        """Statements and comments of a program or ``{ }`` body, as indented lines."""
        nodes = [n for n in nodes if n.type not in ("{", "}")]
        real = [n for n in nodes if n.type != "comment"]
        last = real[-1] if real else None
        lines: list[str] = []
        last_row = -1
        for node in nodes:
            if lines and node.start_point[0] > last_row + 1:
                lines.append("")  # keep R's blank lines (ruff format evens them out)
            if node.type == "comment":
                self._consumed.add(node.start_byte)
                text = node.text.decode()
                if node.start_point[0] == last_row and lines:
                    lines[-1] += "  " + text
                else:
                    lines.append(indent + text)
                last_row = node.end_point[0]
                continue
            lines.extend(self.statement(node, indent, return_last and node is last))
            last_row = node.end_point[0]
        return lines

    def body(self, node: Any, indent: str, return_last: bool = False) -> list[str]:
        """The body of if/for/while/def: a braced block or a single statement."""
        inner = indent + "    "
        if node is not None and node.type == "braced_expression":
            lines = self.block(node.children, inner, return_last)
        elif node is None:
            lines = []
        else:
            lines = self.statement(node, inner, return_last)
        if not any(line.strip() and not line.strip().startswith("#") for line in lines):
            lines.append(inner + "pass")
        return lines

    def statement(self, node: Any, indent: str, return_last: bool = False) -> list[str]:
        """One R statement as Python lines (TODO comments and hoisted helpers above it)."""
        self._frames.append(_Frame(indent=indent))
        fn_counter = self._fn_counter
        try:
            head, tail = self._statement(node, indent, return_last)
        except Untranslatable as exc:
            self._frames[-1] = _Frame(indent, todos=[(exc.key, exc.reason)])
            head, tail = self._commented(node, indent), []
        if head and not self._valid(head, bool(tail)) and not self._hoist_comments:
            # a comment where Python cannot have one: put the statement's comments above it
            self._frames[-1] = _Frame(indent)
            self._fn_counter = fn_counter
            self._hoist_comments = True
            try:
                head, tail = self._statement(node, indent, return_last)
            except Untranslatable as exc:
                self._frames[-1] = _Frame(indent, todos=[(exc.key, exc.reason)])
                head, tail = self._commented(node, indent), []
            finally:
                self._hoist_comments = False
        if head and not self._valid(head, bool(tail)):
            self._frames[-1] = _Frame(
                indent,
                todos=[("untranslated", "could not write this statement as Python; port by hand")]
            )
            head, tail = self._commented(node, indent), []
        frame = self._frames.pop()
        for comment in self._stray_comments(node):
            frame.comments.append(comment)
        self.report.add_statement(node, [key for key, _ in frame.todos], self.chunk)
        out: list[str] = [indent + c for c in frame.comments]
        seen: set[str] = set()
        for _key, reason in frame.todos:
            if reason not in seen:
                seen.add(reason)
                out.append(indent + TODO_PREFIX + reason)
        out.extend(frame.hoisted)
        out.extend(head)
        out.extend(tail)
        return out

    def _valid(self, head: list[str], compound: bool) -> bool:
        text = textwrap.dedent("\n".join(head))
        if compound:
            text += "\n    pass"
        try:
            ast.parse(text)
        except SyntaxError:
            return False
        return True

    def _stray_comments(self, node: Any) -> list[str]:
        found: list[str] = []
        stack = [node]
        while stack:
            n = stack.pop()
            if n.type == "comment":
                if n.start_byte not in self._consumed:
                    self._consumed.add(n.start_byte)
                    found.append((n.start_byte, n.text.decode()))  # type: ignore[arg-type]
                continue
            stack.extend(n.children)
        return [text for _, text in sorted(found)]  # type: ignore[misc]

    def _commented(self, node: Any, indent: str) -> list[str]:
        for n in self._walk(node):
            if n.type == "comment":
                self._consumed.add(n.start_byte)
        text = node.text.decode()
        return [indent + "# R: " + line if i == 0 else indent + "#    " + line
                for i, line in enumerate(text.splitlines())]

    @staticmethod
    def _walk(node: Any) -> Iterable[Any]:
        stack = [node]
        while stack:
            n = stack.pop()
            yield n
            stack.extend(n.children)

    def todo(self, key: str, reason: str) -> None:
        """Mark the current statement with a TODO (``key`` groups it in the report)."""
        self._frames[-1].todos.append((rules.SYNTAX_TODOS.get(key, key), reason))

    def _statement(self, node: Any, indent: str, return_last: bool) -> tuple[list[str], list[str]]:
        """(head lines, body lines) of one statement; body lines only for compound ones."""
        t = node.type
        if t == "binary_operator":
            op = self._op(node)
            if op in ("<-", "=", "<<-", "->", "->>"):
                lines = self._assignment(node, op, indent)
                if return_last and not lines[-1].lstrip().startswith("def "):
                    # R returns the value of a final assignment
                    lines.append(indent + "return " + lines[-1].strip().split(" = ")[0])
                return lines, []
            if op == "%<-%":
                return [indent + self._unpack(node)], []
        if t == "if_statement":
            return self._if(node, indent, return_last)
        if t == "for_statement":
            var = py_name(node.child_by_field_name("variable").text.decode())
            seq = self._sequence(node.child_by_field_name("sequence"), loop=True)
            return [f"{indent}for {var} in {seq.text}:"], self.body(
                node.child_by_field_name("body"), indent
            )
        if t == "while_statement":
            cond = self.expr(node.child_by_field_name("condition"))
            return [f"{indent}while {cond.text}:"], self.body(
                node.child_by_field_name("body"), indent
            )
        if t == "repeat_statement":
            return [f"{indent}while True:"], self.body(node.child_by_field_name("body"), indent)
        if t == "break":
            return [indent + "break"], []
        if t == "next":
            return [indent + "continue"], []
        if t == "call" or (t == "binary_operator" and self._op(node) == "+"):
            plot_lines = self._ggplot_statement(node, indent)
            if plot_lines is not None:
                return plot_lines, []
        if t == "call" and self._call_name(node) == "options":
            return [indent + "# R options(): R session settings, none needed in Python"], []
        if t == "call" and self._call_name(node) == "png":
            args = [a for a in self._args(node) if a.name in (None, "filename")]
            if args and args[0].node is not None:
                self._device = self._value(args[0]).text
                return [indent + "plt.figure()  # png(): the plot is saved at dev.off()"], []
        if t == "call" and self._call_name(node) == "dev.off" and self._device is not None:
            device, self._device = self._device, None
            return [indent + f"plt.savefig({device})", indent + "plt.close()"], []
        if t == "call" and self._call_name(node) == "par":
            return self._par(node, indent, None), []
        if t == "call" and self._panels is not None and self._draws_panel(node):
            rows, cols = self._panels  # the next panel of the par(mfrow) grid
            head, _ = self._statement_plain(node, indent, return_last)
            return [f"{indent}plt.subplot({rows}, {cols}, len(plt.gcf().axes) + 1)", *head], []
        if t == "call" and node.text.decode().replace(" ", "").startswith(
            ("knitr::opts_chunk$set(", "opts_chunk$set(")
        ):
            return [indent + "# knitr chunk options: not needed in Jupyter"], []
        if t == "call":
            special = self._statement_call(node, indent)
            if special is not None:
                return special, []
        if t == "braced_expression":
            return [], self.block(node.children, indent, return_last) or [indent + "pass"]
        inner = self._inner(node) if t == "parenthesized_expression" else None
        if inner is not None and inner.type == "binary_operator" and self._op(inner) in (
            "<-", "=", "->"
        ):  # (x <- value) assigns and prints
            lines = self._assignment(inner, self._op(inner), indent)
            target = lines[-1].strip().split(" = ")[0]
            return [*lines, indent + target], []
        code = self._top(self.expr(node))
        prefix = "return " if return_last and t not in ("function_definition",) else ""
        if prefix and t == "call" and self._call_name(node) in ("print", "cat", "plot"):
            prefix = ""
        return [indent + prefix + code.text], []

    # -- statement-level calls: library(), return(), stop() -------------------------------
    def _call_name(self, node: Any) -> str | None:
        fn = node.child_by_field_name("function")
        if fn is None:
            return None
        if fn.type in ("identifier", "return"):
            return fn.text.decode().strip("`")
        if fn.type == "namespace_operator":
            rhs = fn.child_by_field_name("rhs")
            return rhs.text.decode().strip("`") if rhs is not None else None
        return None

    def _statement_call(self, node: Any, indent: str) -> list[str] | None:
        name = self._call_name(node)
        if name == "p_load":  # pacman::p_load(a, b): library() of each
            lines = []
            for arg in self._args(node):
                if arg.node is not None and arg.name is None:
                    lines.extend(self._library(arg.node.text.decode().strip("`'\""), indent))
            return list(dict.fromkeys(lines)) or None
        if name in ("library", "require", "requireNamespace"):
            args = self._args(node)
            if not args or args[0].node is None:
                return None
            return self._library(args[0].node.text.decode().strip("`'\""), indent)
        rule = rules.FUNCTIONS.get(name or "")
        if rule is not None and rule.statement and rule.py:
            return [indent + self._template(name or "", rule, self._args(node))]
        return None

    def _library(self, pkg: str, indent: str) -> list[str]:
        """``library(pkg)`` as Python import lines (or a comment)."""
        if pkg in rules.KERASR_PACKAGES:
            self.library_imports.add(KERASR_IMPORT)
            return [indent + KERASR_IMPORT]
        if pkg in rules.PACKAGE_IMPORTS:
            lines = rules.PACKAGE_IMPORTS[pkg]
            self.library_imports.update(lines)
            if not lines:
                return [f"{indent}# library({pkg}): not needed in Python"]
            return [indent + line for line in lines]
        # no import: every call into the package gets its own TODO where it is used
        if pkg not in self.report.r_packages:
            self.report.r_packages.append(pkg)
        return [f"{indent}# library({pkg}): R package, no Python import"]

    # -- par(): base graphics layout ------------------------------------------------------
    _PAR_COSMETIC = frozenset({"mar", "oma", "pty", "xaxs", "yaxs", "cex", "bg", "las", "mgp",
                               "xpd", "family", "font"})
    _PANEL_CALLS = frozenset({"image", "hist", "barplot", "boxplot"})

    def _par(self, node: Any, indent: str, target: str | None) -> list[str]:
        """``par(mfrow = c(r, c))``: a new figure whose next plots fill an r x c grid;
        margins and other looks are dropped; ``par(op)`` restores one panel per figure."""
        args = self._args(node)
        lines: list[str] = []
        if len(args) == 1 and args[0].name is None:  # par(op): back to one plot per figure
            self._panels = None
            return [f"{indent}# par(): back to one plot per figure"]
        for arg in args:
            name = (arg.name or "").strip("`")
            if name == "mfrow" and arg.node is not None and arg.node.type == "call" \
                    and self._call_name(arg.node) == "c" and len(self._args(arg.node)) == 2:
                r, c = (self._value(a).text for a in self._args(arg.node))
                self._panels = (r, c)
                self.imports.update(rules.PLT)
                lines.append(f"{indent}plt.figure()  # par(mfrow): the next plots fill a {r} x {c}"
                             " grid")
            elif name in self._PAR_COSMETIC:
                continue
            else:
                reason = rules.FUNCTIONS["par"].todo or "par()"
                self.todo(reason, reason)
                return [f"{indent}# R: " + " ".join(node.text.decode().split())]
        if not lines:
            lines.append(f"{indent}# par(): margins and looks, not needed with matplotlib")
        if target is not None:
            lines.append(f"{indent}{target} = None  # par() settings to restore: none in Python")
        return lines

    def _draws_panel(self, node: Any) -> bool:
        name = self._call_name(node)
        if name in self._PANEL_CALLS:
            return True
        args = self._args(node)
        return name == "plot" and len(args) == 1 and args[0].node is not None and \
            args[0].node.type == "call" and self._call_name(args[0].node) == "as.raster"

    def _statement_plain(
        self, node: Any, indent: str, return_last: bool
    ) -> tuple[list[str], list[str]]:
        code = self._top(self.expr(node))
        return [indent + code.text], []

    # -- assignment --------------------------------------------------------------------
    def _assignment(self, node: Any, op: str, indent: str) -> list[str]:
        lhs, rhs = node.child_by_field_name("lhs"), node.child_by_field_name("rhs")
        if op in ("->", "->>"):
            lhs, rhs = rhs, lhs
        if rhs.type == "call" and self._call_name(rhs) == "par" and lhs.type == "identifier":
            return self._par(rhs, indent, py_name(lhs.text.decode()))
        if op in ("<<-", "->>"):
            self.todo("<<-", rules.SYNTAX_TODOS["super_assign"])
        if rhs.type == "function_definition" and lhs.type == "identifier":
            return self._def(py_name(lhs.text.decode()), rhs, indent)
        targets = [self.target(lhs)]
        while rhs.type == "binary_operator" and self._op(rhs) in ("<-", "=", "<<-"):
            targets.append(self.target(rhs.child_by_field_name("lhs")))
            rhs = rhs.child_by_field_name("rhs")
        value = self._top(self.expr(rhs))
        return [indent + " = ".join(targets) + " = " + value.text]

    @staticmethod
    def _top(code: Code) -> Code:
        """A whole statement's value: a one-line ``>>`` chain needs no parentheses."""
        if code.pipe_inner and "\n" not in code.pipe_inner:
            return Code(code.pipe_inner, SHIFT)
        return code

    def target(self, node: Any) -> str:
        """An assignment target: a name, ``x["a"]``, ``x[0]``."""
        t = node.type
        if t in ("identifier", "string"):
            return py_name(node.text.decode().strip("'\""))
        if t == "extract_operator":
            obj = self.expr(node.child_by_field_name("lhs"))
            rhs = node.child_by_field_name("rhs")
            key = rhs.text.decode().strip("`'\"") if rhs is not None else ""
            if self._op(node) == "@":
                return f"{obj.at(POSTFIX)}.{py_name(key)}"
            return f"{obj.at(POSTFIX)}[{key!r}]".replace("'", '"')
        if t in ("subset", "subset2"):
            return self.expr(node).text
        if t == "call":
            self.todo("replacement", rules.SYNTAX_TODOS["replacement"])
            raise Untranslatable("replacement", rules.SYNTAX_TODOS["replacement"])
        if t == "parenthesized_expression":
            return self.target(self._inner(node))
        raise Untranslatable("untranslated", f"cannot assign to `{node.text.decode()[:40]}`")

    # -- %<-% ----------------------------------------------------------------------------
    def _unpack(self, node: Any) -> str:
        lhs, rhs = node.child_by_field_name("lhs"), node.child_by_field_name("rhs")
        value = self.expr(rhs).text
        plain = self._plain_pattern(lhs)
        if plain is not None:
            if lhs.type == "identifier":
                return f"{plain} = {value}"
            return f"{plain} = {value}"
        self.imports.add(KERASR_IMPORT)
        names = self._pattern_names(lhs)
        pattern = " ".join(lhs.text.decode().split())
        call = f"unpack({pattern!r}, {value})"
        if not names:
            return f"{call.rstrip(')')}, into=globals())"
        return ", ".join(names) + ("," if len(names) == 1 else "") + f" = {call}"

    def _plain_pattern(self, node: Any, top: bool = True) -> str | None:
        if node.type == "identifier" and node.text.decode() not in (".", "..."):
            name = node.text.decode()
            return py_name(name) if not name.startswith("...") else None
        if node.type == "call" and self._call_name(node) == "c":
            parts = []
            for arg in self._args(node):
                if arg.name is not None or arg.node is None:
                    return None
                inner = self._plain_pattern(arg.node, top=False)
                if inner is None:
                    return None
                parts.append(inner)
            if not parts:
                return None
            if len(parts) == 1:
                return f"({parts[0]},)"
            joined = ", ".join(parts)
            return joined if top else f"({joined})"
        return None

    def _pattern_names(self, node: Any) -> list[str]:
        names: list[str] = []
        for n in self._walk_ordered(node):
            if n.type == "identifier":
                text = n.text.decode()
                parent = n.parent
                if parent is not None and parent.type == "call" and \
                        parent.child_by_field_name("function") == n:
                    continue
                if text in (".", "..."):
                    continue
                names.append(py_name(text[3:] if text.startswith("...") else text))
            elif n.type == "dots":
                continue
        return names

    def _walk_ordered(self, node: Any) -> Iterable[Any]:
        yield node
        for child in node.children:
            if child.type == "argument":
                name = child.child_by_field_name("name")
                if name is not None:
                    yield name
                    continue
            yield from self._walk_ordered(child)

    # -- if / function definitions ---------------------------------------------------------
    def _if(self, node: Any, indent: str, return_last: bool) -> tuple[list[str], list[str]]:
        cond = self.expr(node.child_by_field_name("condition"))
        head = [f"{indent}if {cond.text}:"]
        body = self.body(node.child_by_field_name("consequence"), indent, return_last)
        alt = node.child_by_field_name("alternative")
        while alt is not None:
            if alt.type == "if_statement":
                c = self.expr(alt.child_by_field_name("condition"))
                body.append(f"{indent}elif {c.text}:")
                body.extend(self.body(alt.child_by_field_name("consequence"), indent, return_last))
                alt = alt.child_by_field_name("alternative")
            else:
                body.append(f"{indent}else:")
                body.extend(self.body(alt, indent, return_last))
                alt = None
        return head, body

    def _params(self, node: Any) -> str:
        params = node.child_by_field_name("parameters")
        out: list[str] = []
        seen_default = False
        for p in params.children if params is not None else []:
            if p.type != "parameter":
                continue
            name = p.child_by_field_name("name")
            default = p.child_by_field_name("default")
            if name is not None and name.type == "dots":
                out.append("*args")
                out.append("**kwargs")
                continue
            pname = py_name(name.text.decode()) if name is not None else "_"
            if default is not None:
                out.append(f"{pname}={self.expr(default).text}")
                seen_default = True
            else:
                out.append(f"{pname}=None" if seen_default else pname)
        # *args must come after plain parameters but before keyword-only defaults
        if "*args" in out:
            star = [p for p in out if p.startswith("*")]
            rest = [p for p in out if not p.startswith("*")]
            plain = [p for p in rest if "=" not in p]
            defaults = [p for p in rest if "=" in p]
            out = plain + defaults + star if not defaults else plain + defaults + star
        return ", ".join(out)

    def _def(self, name: str, fn: Any, indent: str) -> list[str]:
        self.user_functions.add(name)
        head = f"{indent}def {name}({self._params(fn)}):"
        body_node = fn.child_by_field_name("body")
        self._frames.append(_Frame(indent))
        body = self.body(body_node, indent, return_last=True)
        frame = self._frames.pop()
        self._frames[-1].todos.extend(frame.todos)
        return [head, *body]

    def _lambda_or_def(self, fn: Any) -> Code:
        body = fn.child_by_field_name("body")
        inner = body
        if body is not None and body.type == "braced_expression":
            stmts = [c for c in body.named_children if c.type != "comment"]
            inner = stmts[0] if len(stmts) == 1 else None
        simple = inner is not None and not (
            inner.type in ("if_statement", "for_statement", "while_statement", "repeat_statement",
                           "braced_expression")
            or (inner.type == "binary_operator" and self._op(inner) in ("<-", "=", "<<-", "%<-%"))
            or (inner.type == "call" and self._call_name(inner) in ("return", "stop"))
            or any(n.type == "comment" for n in self._walk(body))
        )
        if simple:
            params = self._params(fn)
            value = self.expr(inner)
            return Code(f"lambda {params}: {value.text}" if params else f"lambda: {value.text}",
                        LAMBDA)
        self._fn_counter += 1
        name = f"_function_{self._fn_counter}"
        frame = self._frames[-1]
        indent = frame.indent
        lines = self._def(name, fn, indent)
        frame.hoisted.extend(lines)
        return Code(name)
