"""Walk an R syntax tree (tree-sitter) and write Python that uses kerasr.

The emitter knows R's syntax (assignments, calls, loops); what each R function becomes is
looked up in :mod:`kerasr.translate.rules`, with the calls a template cannot say in
:mod:`.base_r`, indexing in :mod:`.indexing`, dplyr in :mod:`.tidy` and ggplot2 in
:mod:`.ggplot`. Anything it cannot translate is kept as close to the R as valid Python
allows, under a ``# TODO(kerasr): <reason>`` line.
"""

from __future__ import annotations

import ast
import re
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from . import rules
from .base_r import BaseRMixin
from .code import (
    ARITH,
    ATOM,
    CMP,
    IFEXP,
    KERASR_IMPORT,
    LAMBDA,
    OR,
    POSTFIX,
    SHIFT,
    TODO_PREFIX,
    UNARY,
    Arg,
    Code,
    Untranslatable,
    arg_name,
    int_literal,
    py_name,
)
from .ggplot import GgplotMixin
from .indexing import IndexingMixin
from .report import Report
from .tidy import TidyMixin

__all__: list[str] = []

_PLACEHOLDER = re.compile(r"\{(\.\.\.|[A-Za-z_.][\w.]*)\}")
_OPTIONAL = re.compile(r"<<(.*?)>>")


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


class Emitter(BaseRMixin, IndexingMixin, TidyMixin, GgplotMixin):
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

    # ======================================================================================
    # Expressions
    # ======================================================================================
    def _op(self, node: Any) -> str:
        op = node.child_by_field_name("operator")
        return op.text.decode() if op is not None else ""

    def _inner(self, node: Any) -> Any:
        for child in node.named_children:
            if child.type != "comment":
                return child
        return None

    def expr(self, node: Any) -> Code:
        """Translate one R expression."""
        t = node.type
        handler = getattr(self, "_x_" + t, None)
        if handler is None:
            raise Untranslatable(
                "untranslated", f"R syntax `{t}` is not translated; port this line by hand"
            )
        return handler(node)

    # -- literals and names --------------------------------------------------------------
    _py_arg = staticmethod(arg_name)
    _arg_type = Arg

    def _x_identifier(self, node: Any) -> Code:
        name = node.text.decode()
        if name in self._formula_names:
            return Code(self._formula_names[name])
        if self._mask is not None and self._is_column(name.strip("`")):
            return Code(f'{self._mask_var}["{name.strip("`")}"]', POSTFIX)
        if name in self.variables or name in self.user_functions:
            if not (self._want_function and name in rules.FUNCTIONS):
                return Code(py_name(name))
        if name in rules.CONSTANTS:
            text, imports = rules.CONSTANTS[name]
            self.imports.update(imports)
            return Code(text)
        if name.strip("`") in self.k.names:
            self.imports.add(KERASR_IMPORT)
        elif name.strip("`") in rules.FUNCTIONS:
            rule = rules.FUNCTIONS[name.strip("`")]
            if rule.special == "reduce" and rule.py:  # sapply(x, max) -> np.max
                self.imports.update(rule.imports)
                return Code(rule.py)
            m = re.fullmatch(r"([\w.]+)\(\{[\w.]+\}\)", rule.py or "")
            if m:  # a function passed by name: mean -> np.mean
                self.imports.update(rule.imports)
                return Code(m.group(1))
            if rule.py and rule.formal_list and not rule.statement and not rule.todo:
                first = rule.formal_list[0][0]
                if first != "...":  # sd -> lambda v: np.std(v, ddof=1)
                    body = self._template(name, rule, [Arg(None, code=Code("v"))])
                    return Code(f"lambda v: {body}", LAMBDA)
        if name == ".":
            self.todo("dots_placeholder", rules.SYNTAX_TODOS["dots_placeholder"])
            return Code("_")
        return Code(py_name(name))

    def _x_float(self, node: Any) -> Code:
        text = node.text.decode()
        if text.lower().startswith("0x"):
            return Code(str(int(text, 16)))
        if text.startswith("."):
            text = "0" + text
        if text.endswith("."):
            text += "0"
        return Code(text)

    def _x_integer(self, node: Any) -> Code:
        text = node.text.decode().rstrip("L")
        if text.lower().startswith("0x"):
            return Code(str(int(text, 16)))
        value = float(text)
        return Code(str(int(value)))

    def _x_complex(self, node: Any) -> Code:
        return Code(node.text.decode()[:-1] + "j")

    def _x_string(self, node: Any) -> Code:
        text = node.text.decode()
        if text[:1] in "rR" and len(text) > 1 and text[1] in "\"'":
            self.todo("raw string", "R raw string: check the Python string")
            body = re.sub(r"^[\"'][-]*[\[({]|[\])}][-]*[\"']$", "", text[1:])
            return Code(repr(body))
        quote = text[0]
        body = text[1:-1].replace("\r\n", "\n").replace("\n", "\\n")
        if quote == "'" and '"' not in body:
            body = body.replace("\\'", "'")
            return Code(f'"{body}"')
        return Code(quote + body + quote)

    def _const(self, name: str) -> Code:
        text, imports = rules.CONSTANTS[name]
        self.imports.update(imports)
        return Code(text)

    def _x_true(self, node: Any) -> Code:
        return Code("True")

    def _x_false(self, node: Any) -> Code:
        return Code("False")

    def _x_null(self, node: Any) -> Code:
        return Code("None")

    def _x_na(self, node: Any) -> Code:
        return self._const(node.text.decode() if node.text.decode() in rules.CONSTANTS else "NA")

    def _x_inf(self, node: Any) -> Code:
        return self._const("Inf")

    def _x_nan(self, node: Any) -> Code:
        return self._const("NaN")

    def _x_dots(self, node: Any) -> Code:
        return Code("*args")

    def _x_parenthesized_expression(self, node: Any) -> Code:
        inner = self._inner(node)
        if inner is None:
            return Code("()")
        code = self.expr(inner)
        return Code(f"({code.pipe_inner or code.text})")

    def _x_braced_expression(self, node: Any) -> Code:
        stmts = [c for c in node.named_children if c.type != "comment"]
        if len(stmts) == 1:
            return self.expr(stmts[0])
        raise Untranslatable("braced_value", rules.SYNTAX_TODOS["braced_value"])

    def _x_function_definition(self, node: Any) -> Code:
        return self._lambda_or_def(node)

    def _x_if_statement(self, node: Any) -> Code:
        cons = node.child_by_field_name("consequence")
        alt = node.child_by_field_name("alternative")
        cond = self.expr(node.child_by_field_name("condition"))
        try:
            yes = self.expr(cons)
            no = self.expr(alt) if alt is not None else Code("None")
        except Untranslatable:
            raise Untranslatable("expression_if", rules.SYNTAX_TODOS["expression_if"]) from None
        return Code(f"{yes.at(OR)} if {cond.at(OR)} else {no.at(IFEXP)}", IFEXP)

    def _x_namespace_operator(self, node: Any) -> Code:
        rhs = node.child_by_field_name("rhs")
        return self.expr(rhs) if rhs is not None else Code("None")

    # -- operators ---------------------------------------------------------------------------
    def _x_unary_operator(self, node: Any) -> Code:
        op = self._op(node)
        rhs = node.child_by_field_name("rhs")
        if op == "~":
            return self._formula(node)
        if op in rules.UNARY_OPERATORS:
            py, prec = rules.UNARY_OPERATORS[op]
            value = self.expr(rhs)
            return Code(f"{py}{value.at(prec)}", prec)
        raise Untranslatable("untranslated", f"R operator `{op}` is not translated")

    def _formula(self, node: Any) -> Code:
        if node.type == "unary_operator":  # purrr's ~ .x + 1 is a function of .x (and .y)
            names = {n.text.decode() for n in self._walk(node) if n.type == "identifier"}
            if names & {".x", ".y", "."}:
                saved = self._formula_names
                self._formula_names = {".x": "x", ".": "x", ".y": "y"}
                try:
                    value = self.expr(node.child_by_field_name("rhs"))
                finally:
                    self._formula_names = saved
                params = "x, y" if ".y" in names else "x"
                return Code(f"lambda {params}: {value.text}", LAMBDA)
        self.todo("formula", rules.SYNTAX_TODOS["formula"])
        return Code(repr(" ".join(node.text.decode().split())).replace("'", '"'))

    def _x_binary_operator(self, node: Any) -> Code:
        op = self._op(node)
        lhs, rhs = node.child_by_field_name("lhs"), node.child_by_field_name("rhs")
        if op in rules.PIPES:
            return self._pipe(node, lhs, rhs)
        if op == "~":
            return self._formula(node)
        if op == ":":
            return self._sequence(node, loop=False)
        if op == "%in%":
            self.imports.update(rules.NP)
            return Code(f"np.isin({self.expr(lhs).text}, {self.expr(rhs).text})", POSTFIX)
        if op in ("<-", "=", "<<-", "->", "->>", "%<-%"):
            raise Untranslatable("assign_in_call", rules.SYNTAX_TODOS["assign_in_call"])
        if op in rules.BINARY_OPERATORS:
            py, prec = rules.BINARY_OPERATORS[op]
            left, right = self.expr(lhs), self.expr(rhs)
            if py == "**":  # right-associative
                return Code(f"{left.at(prec + 1)} ** {right.at(UNARY)}", prec)
            if prec == CMP:  # Python chains comparisons; R does not
                return Code(f"{left.at(CMP + 1)} {py} {right.at(CMP + 1)}", prec)
            return Code(f"{left.at(prec)} {py} {right.at(prec + 1)}", prec)
        raise Untranslatable(
            "operator", f"R operator `{op}` has no translation: rewrite it as a function call"
        )

    def _sequence(self, node: Any, loop: bool) -> Code:
        """``a:b``, ``seq_len(n)``, ``seq_along(x)`` as a range (loops) or a numpy array."""
        self.imports.update(() if loop else rules.NP)
        if node.type == "binary_operator" and self._op(node) == ":":
            lhs, rhs = node.child_by_field_name("lhs"), node.child_by_field_name("rhs")
            a, b = int_literal(lhs), int_literal(rhs)
            fn = "range" if loop else "np.arange"
            if a is not None and b is not None:
                if a <= b:
                    return Code(f"{fn}({a}, {b + 1})", POSTFIX)
                return Code(f"{fn}({a}, {b - 1}, -1)", POSTFIX)
            start = self.expr(lhs).text
            end = self._plus(self.expr(rhs), 1)
            return Code(f"{fn}({start}, {end})", POSTFIX)
        if loop and node.type == "call":
            name = self._call_name(node)
            args = self._args(node)
            if name == "seq_len" and len(args) == 1 and args[0].node is not None:
                return Code(f"range(1, {self._plus(self.expr(args[0].node), 1)})", POSTFIX)
            if name == "seq_along" and len(args) == 1 and args[0].node is not None:
                return Code(f"range(1, len({self.expr(args[0].node).text}) + 1)", POSTFIX)
        return self.expr(node)

    def _plus(self, code: Code, k: int) -> str:
        """``code + k`` with literal arithmetic folded."""
        try:
            return str(int(code.text) + k)
        except ValueError:
            sign = "+" if k >= 0 else "-"
            return f"{code.at(ARITH)} {sign} {abs(k)}" if k else code.text

    # -- pipes -------------------------------------------------------------------------------
    def _pipe(self, node: Any, lhs: Any, rhs: Any) -> Code:
        left = self.expr(lhs)
        multiline = lhs.end_point[0] != rhs.start_point[0] or bool(left.pipe_inner)
        if rhs.type in ("identifier", "namespace_operator"):
            name = rhs.text.decode().split("::")[-1].strip("`")
            return self._call_named(name, [Arg(None, code=left)], rhs)
        if rhs.type in ("subset", "subset2", "extract_operator") and any(
            n.type == "identifier" and n.text.decode() == "." for n in self._walk(rhs)
        ):  # x %>% .[[1]]: the dot is the left side
            saved = self._formula_names
            self._formula_names = {**saved, ".": left.at(POSTFIX)}
            try:
                return self.expr(rhs)
            finally:
                self._formula_names = saved
        if rhs.type != "call":
            if rhs.type == "function_definition" or rhs.type == "parenthesized_expression":
                fn = self.expr(rhs)
                return Code(f"{fn.at(POSTFIX)}({left.text})", POSTFIX)
            self.todo("pipe_target", rules.SYNTAX_TODOS["pipe_target"])
            return Code(f"{left.at(SHIFT)} >> {self.expr(rhs).at(SHIFT + 1)}", SHIFT)
        name = self._call_name(rhs)
        has_dot = any(a.node is not None and a.node.type == "identifier"
                      and a.node.text.decode() == "." for a in self._args(rhs))
        if name is not None and name in self.k.pipeable and name not in self.user_functions \
                and not has_dot:
            call = self.expr(rhs)
            inner = f"{left.pipe_inner or left.at(SHIFT)} >> {call.at(SHIFT + 1)}"
            if multiline:
                return Code(f"({inner})", ATOM, pipe_inner=inner)
            return Code(inner, SHIFT)
        args = self._args(rhs)
        dot = [a for a in args if a.node is not None and a.node.type == "identifier"
               and a.node.text.decode() == "."]
        if dot:
            dot[0].node, dot[0].code = None, left
            args = [a for a in args if a is dot[0]] + [a for a in args if a is not dot[0]] \
                if dot[0].name is None else args
        else:
            args.insert(0, Arg(None, code=left))
        if name is None:
            fn = self.expr(rhs.child_by_field_name("function"))
            return Code(f"{fn.at(POSTFIX)}({self._plain_args(args)})", POSTFIX)
        return self._call_named(name, args, rhs)

    # -- calls -------------------------------------------------------------------------------
    def _args(self, node: Any) -> list[Arg]:
        """The arguments of a call or index, with empty slots and trailing comments."""
        args_node = node.child_by_field_name("arguments")
        out: list[Arg] = []
        if args_node is None:
            return out
        pending: Arg | None = None
        slot_filled = False
        for child in args_node.children:
            t = child.type
            if t in ("(", "[", "[["):
                continue
            if t in (")", "]", "]]"):
                if out and not slot_filled and pending is None and out[-1] is not None:
                    out.append(Arg(None))  # x[1, ]: a final empty slot
                break
            if t == "comma":
                if not slot_filled:
                    out.append(Arg(None))
                slot_filled = False
                pending = None
                continue
            if t == "comment":
                target = pending or (out[-1] if out else None)
                if target is not None and not self._hoist_comments:
                    self._consumed.add(child.start_byte)
                    text = child.text.decode()
                    target.comment = f"{target.comment}\n{text}" if target.comment else text
                continue
            if t == "argument":
                name = child.child_by_field_name("name")
                value = child.child_by_field_name("value")
                arg = Arg(name.text.decode() if name is not None else None, value)
                out.append(arg)
                pending = arg
                slot_filled = True
        if out and out[-1].node is None and out[-1].name is None and out[-1].code is None:
            # `f(a, )` trailing empty slots are R's missing args; keep them for indexing
            pass
        return out

    def _x_call(self, node: Any) -> Code:
        fn = node.child_by_field_name("function")
        name = self._call_name(node)
        if fn.type == "namespace_operator":
            ns = fn.child_by_field_name("lhs")
            if ns is not None and ns.text.decode() in ("reticulate", "tensorflow") and \
                    name not in self.k.names:
                pass
        if name is not None:
            return self._call_named(name, self._args(node), node)
        if fn.type == "extract_operator" and self._op(fn) in ("$", "@"):
            obj = self.expr(fn.child_by_field_name("lhs"))
            method = fn.child_by_field_name("rhs").text.decode().strip("`")
            if obj.text == "knitr" or method == "set" and "opts_chunk" in obj.text:
                self.todo("knitr", "knitr chunk options have no Python equivalent")
            args = self._plain_args(self._args(node))
            return Code(f"{obj.at(POSTFIX)}.{py_name(method)}({args})", POSTFIX)
        callee = self.expr(fn)
        return Code(f"{callee.at(POSTFIX)}({self._plain_args(self._args(node))})", POSTFIX)

    def _value(self, arg: Arg, shape: bool = False) -> Code:
        if arg.code is not None:
            return arg.code
        if arg.node is None:
            return Code("None")
        if shape and arg.node.type == "call" and self._call_name(arg.node) == "c":
            return self._c(self._args(arg.node), as_tuple=True)
        return self.expr(arg.node)

    def _plain_args(self, args: list[Arg], shape_names: Iterable[str] = (),
                    positional_names: list[str] | None = None) -> str:
        """Arguments as Python: R names kept (``from`` -> ``from_``), comments after commas."""
        shapes = set(shape_names) | rules.SHAPE_ARGUMENTS
        parts: list[str] = []
        pos = 0
        # R matches names first, then positions: Python needs the positional ones first
        args = [a for a in args if a.name is None] + [a for a in args if a.name is not None]
        for arg in args:
            if arg.node is None and arg.code is None:
                continue
            if arg.name is None:
                pname = positional_names[pos] if positional_names and pos < len(
                    positional_names) else None
                pos += 1
                value = self._value(arg, shape=pname in shapes if pname else False)
                text = value.text if not value.text.startswith("*args") else "*args, **kwargs"
                if arg.node is not None and arg.node.type == "dots":
                    text = "*args, **kwargs"
            else:
                key = arg_name(arg.name)
                value = self._value(arg, shape=arg.name.strip("`") in shapes)
                text = f"{key}={value.at(LAMBDA)}"
            parts.append(text + ("," + self._comment_suffix(arg.comment) if arg.comment else ""))
        out = ""
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            if part.endswith("\n"):
                out += part if not last else part
            else:
                out += part + ("" if last else ", ")
        return out

    @staticmethod
    def _comment_suffix(comment: str) -> str:
        return "".join(f"  {line}\n" for line in comment.splitlines())

    def _call_named(self, name: str, args: list[Arg], node: Any) -> Code:
        """A call to a named R function, by the rules table, kerasr's names or as written."""
        rule = rules.FUNCTIONS.get(name)
        values = [a for a in args if a.node is not None or a.code is not None]
        if name in rules.BINARY_OPERATORS and len(values) == 2 and not any(a.name for a in values):
            py, prec = rules.BINARY_OPERATORS[name]  # `-`(x, 1), as in x %>% `-`(1)
            left, right = self._value(values[0]), self._value(values[1])
            return Code(f"{left.at(prec)} {py} {right.at(prec + 1)}", prec)
        if name in self.user_functions or (name in self.variables and rule is None
                                           and name not in self.k.names):
            # a function of the script, or a variable holding one (a Keras model, a layer)
            return Code(f"{py_name(name)}({self._plain_args(args)})", POSTFIX)
        if name == "transmute":
            self._check_data_masking(name, args)
        if name == "plot" and len(args) == 1 and args[0].node is not None and \
                args[0].node.type == "call" and self._call_name(args[0].node) == "as.raster":
            self.imports.update(rules.PLT)  # plot(as.raster(img)) draws an image
            return Code(f"plt.imshow({self._value(args[0]).text})", POSTFIX)
        if name in self.k.names and (rule is None or rule.special is None):
            self.imports.add(KERASR_IMPORT)
            params = self.k.params.get(name, [])
            return Code(f"{name}({self._plain_args(args, positional_names=params)})", POSTFIX)
        if rule is not None:
            if rule.special:
                self.imports.update(rule.imports)
                return getattr(self, "_special_" + rule.special)(args, node)
            if rule.todo:
                self.todo(rule.todo, rule.todo)
            elif rule.py:
                if rule.statement:
                    raise Untranslatable(
                        "statement_call", f"`{name}()` used as a value: move it to its own line"
                    )
                return Code(self._template(name, rule, args), POSTFIX)
        else:
            family = self._family(name)
            if family:
                self.todo(family, family)
            else:
                self.todo(
                    f"no translation: {name}()",
                    f"`{name}()` is not in kerasr or the translation table: "
                    "find the Python equivalent",
                )
        return Code(f"{py_name(name)}({self._plain_args(args)})", POSTFIX)

    def _check_data_masking(self, name: str, args: list[Arg]) -> None:
        """``tibble(x = ..., y = f(x))``: R sees the new column ``x``, Python would not."""
        defined: set[str] = set()
        for arg in args:
            if arg.node is not None:
                used = {n.text.decode() for n in self._walk(arg.node) if n.type == "identifier"}
                if used & defined:
                    self.todo("tidy_column", rules.SYNTAX_TODOS["tidy_column"]
                              + f" (`{name}()` uses its own column {sorted(used & defined)[0]!r})")
                    return
            if arg.name is not None:
                defined.add(arg.name.strip("`"))

    @staticmethod
    def _family(name: str) -> str | None:
        for prefixes, reason in rules.FAMILY_TODOS:
            for prefix in prefixes:
                if name == prefix or (prefix.endswith("_") and name.startswith(prefix)):
                    return reason
        return None

    def _match(self, name: str, rule: rules.Rule, args: list[Arg]) -> dict[str, Any]:
        """Match R arguments to a rule's formals as R does (exact, partial, positional)."""
        formals = [f for f, _ in rule.formal_list]
        bound: dict[str, Arg | list[Arg]] = {}
        rest: list[Arg] = []
        positional: list[Arg] = []
        for arg in args:
            if arg.node is None and arg.code is None:
                continue
            if arg.name is None:
                positional.append(arg)
                continue
            key = arg.name.strip("`")
            if key in formals:
                bound[key] = arg
                continue
            partial = [f for f in formals if f.startswith(key) and f != "..."]
            if len(partial) == 1 and "..." not in formals[: formals.index(partial[0])]:
                bound[partial[0]] = arg
            elif "..." in formals:
                rest.append(arg)
            else:
                self.todo("argument", f"argument `{key}` of `{name}()` is not translated")
        for f in formals:
            if f == "...":
                rest = positional + rest
                positional = []
                break
            if f not in bound and positional:
                bound[f] = positional.pop(0)
        if positional:
            self.todo("argument", f"extra arguments of `{name}()` are not translated")
        bound["..."] = rest
        return bound

    def _template(self, name: str, rule: rules.Rule, args: list[Arg]) -> str:
        na_rm = [a for a in args if a.name in ("na.rm", "na_rm")]
        if na_rm and "na.rm" not in dict(rule.formal_list):
            args = [a for a in args if a not in na_rm]
            value = self._value(na_rm[0]).text
            nan = rules.NAN_FUNCTIONS.get((rule.py or "").split("(")[0])
            if value == "True" and nan:
                rule = rules.Rule(rule.formals, nan + rule.py[rule.py.index("("):], rule.imports)
            elif value != "False":
                self.todo("argument", f"`{name}(na.rm = )`: drop the NA values first")
        bound = self._match(name, rule, args)
        defaults = dict(rule.formal_list)
        self.imports.update(rule.imports)
        assert rule.py is not None

        def value(key: str, pre: str, post: str) -> str | None:
            if key == "...":
                rest = bound.get("...") or []
                return self._plain_args(rest) if rest else ""  # type: ignore[arg-type]
            arg = bound.get(key)
            if isinstance(arg, Arg) and key in ("FUN", ".f", "f"):
                code = self._function_value(arg)
            elif isinstance(arg, Arg):
                code = self._value(arg, shape=key in rules.SHAPE_ARGUMENTS)
            elif defaults.get(key) is not None:
                code = Code(str(defaults[key]))
                if code.text in ("TRUE", "FALSE"):
                    code = Code(code.text.title())
            else:
                return None
            safe = pre[-1:] in ("(", "[", "=", "") or pre.endswith(", ")
            safe = safe and post[:1] in (")", "]", ",", "")
            return code.text if safe else code.at(POSTFIX)

        def fill(text: str, optional: bool) -> str | None:
            out, pos = "", 0
            for m in _PLACEHOLDER.finditer(text):
                got = value(m.group(1), text[: m.start()], text[m.end():])
                if got is None:
                    if optional:
                        return None
                    self.todo("argument", f"`{name}()` needs argument `{m.group(1)}`")
                    got = "None"
                out += text[pos : m.start()] + got
                pos = m.end()
            return out + text[pos:]

        result, pos = "", 0
        for m in _OPTIONAL.finditer(rule.py):
            result += rule.py[pos : m.start()]
            part = fill(m.group(1), optional=True)
            result += part or ""
            pos = m.end()
        result += rule.py[pos:]
        filled = fill(result, optional=False) or ""
        return filled

    # -- special calls --------------------------------------------------------------------------
