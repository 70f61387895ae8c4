"""R calls as Python: arguments matched the way R matches them, then filled into the
templates of :mod:`.rules`. Mixed into :class:`~kerasr.translate.emitter.Emitter`."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from . import rules
from .code import (
    KERASR_IMPORT,
    LAMBDA,
    POSTFIX,
    Arg,
    Code,
    Untranslatable,
    arg_name,
    py_name,
)

__all__: list[str] = []

_PLACEHOLDER = re.compile(r"\{(\.\.\.|[A-Za-z_.][\w.]*)\}")
_OPTIONAL = re.compile(r"<<(.*?)>>")


class CallMixin:
    """``f(...)``: the arguments, R's name-then-position matching, and the rule templates."""

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
