"""R expressions as Python: literals and names, operators, formulas, sequences and pipes.
Mixed into :class:`~kerasr.translate.emitter.Emitter` (calls are :mod:`.calls`)."""

from __future__ import annotations

import re
from typing import Any

from . import rules
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
    UNARY,
    Arg,
    Code,
    Untranslatable,
    arg_name,
    int_literal,
    py_name,
)

__all__: list[str] = []


class ExpressionMixin:
    """One R expression at a time: ``expr(node)`` dispatches on the node type."""

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
