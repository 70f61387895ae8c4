"""Base R calls that a template cannot say: ``c()``, ``seq()``, ``matrix()``, ``sample()``,
``apply()``, ``scale()``, ``image()``, ``paste()``/``paste0()``/``glue()`` as f-strings and
``cat()`` as ``print()``. Mixed into :class:`~kerasr.translate.emitter.Emitter`."""

from __future__ import annotations

import ast
import re
from typing import Any

from . import rules
from .code import ARITH, KERASR_IMPORT, POSTFIX, TERM, Arg, Code, int_literal

__all__: list[str] = []


def _literal(text: str) -> str:
    """A Python string literal in double quotes."""
    return '"' + repr(text)[1:-1].replace('"', '\\"').replace("\\'", "'") + '"'


class BaseRMixin:
    """Handlers named by ``Rule(special=...)`` in :mod:`kerasr.translate.rules`."""

    # the emitter provides these
    imports: set[str]
    _want_function: bool

    def _c(self, args: list[Arg], as_tuple: bool = False) -> Code:
        named = [a for a in args if a.name is not None]
        if named:
            self.imports.add(KERASR_IMPORT)
            return Code(f"named_list({self._plain_args(args)})", POSTFIX)
        items = [a for a in args if a.node is not None or a.code is not None]
        body = self._plain_args(items)
        if as_tuple:
            if len(items) == 1 and not body.rstrip().endswith(","):
                body = body + ","
            return Code(f"({body})")
        return Code(f"[{body}]")

    def _special_c(self, args: list[Arg], node: Any) -> Code:
        return self._c(args)

    def _special_list(self, args: list[Arg], node: Any) -> Code:
        return self._c(args)

    def _special_seq(self, args: list[Arg], node: Any) -> Code:
        rule = rules.Rule("from=1, to=1, by, length.out, along.with")
        bound = self._match("seq", rule, args)
        self.imports.update(rules.NP)

        def v(key: str, default: str | None = None) -> str | None:
            arg = bound.get(key)
            if isinstance(arg, Arg):
                return self._value(arg).text
            return default

        start, end = v("from", "1"), v("to", "1")
        if v("to") is None and v("by") is None and v("length.out") is None and \
                v("along.with") is None:  # seq(10) is 1:10
            return Code(f"np.arange(1, {self._plus(Code(start or '1', ARITH), 1)})", POSTFIX)
        if v("length.out") is not None:
            return Code(f"np.linspace({start}, {end}, {v('length.out')})", POSTFIX)
        if v("along.with") is not None:
            return Code(f"np.arange(1, len({v('along.with')}) + 1)", POSTFIX)
        by = v("by")
        if by is None:
            return Code(f"np.arange({start}, {self._plus(Code(end or '1', ARITH), 1)})", POSTFIX)
        return Code(f"np.arange({start}, {end} + {by} / 2, {by})", POSTFIX)

    def _special_matrix(self, args: list[Arg], node: Any) -> Code:
        rule = rules.Rule("data=np.nan, nrow, ncol, byrow=FALSE")
        bound = self._match("matrix", rule, args)
        self.imports.update(rules.NP)

        def v(key: str) -> Code | None:
            arg = bound.get(key)
            return self._value(arg) if isinstance(arg, Arg) else None

        data, nrow, ncol, byrow = v("data"), v("nrow"), v("ncol"), v("byrow")
        shape = f"({(nrow or Code('-1')).text}, {(ncol or Code('-1')).text})"
        if data is None or re.fullmatch(r"-?[\d.e]+|np\.nan|True|False", data.text):
            return Code(f"np.full({shape}, {data.text if data else 'np.nan'})", POSTFIX)
        order = "C" if byrow is not None and byrow.text == "True" else "F"
        if byrow is not None and byrow.text not in ("True", "False"):
            self.todo("argument", "matrix(): `byrow` is not a literal; choose order C or F")
        return Code(f'np.reshape({data.text}, {shape}, order="{order}")', POSTFIX)

    def _special_apply(self, args: list[Arg], node: Any) -> Code:
        bound = self._match("apply", rules.Rule("X, MARGIN, FUN, ..."), args)
        self.imports.update(rules.NP)
        x, margin, fun = (bound.get(k) for k in ("X", "MARGIN", "FUN"))
        if not all(isinstance(a, Arg) for a in (x, margin, fun)):
            self.todo("argument", "apply() needs X, MARGIN and FUN")
            return Code("None")
        k = int_literal(margin.node) if margin.node is not None else None  # type: ignore[union-attr]
        if k not in (1, 2):
            self.todo("argument", "apply(): MARGIN is not 1 or 2; choose the numpy axis")
        axis = {1: "1", 2: "0"}.get(k or 0, "0")
        fn = self._function_value(fun).text  # type: ignore[arg-type]
        extra = self._plain_args(bound["..."]) if bound.get("...") else ""
        if extra:
            fn = f"lambda v: {fn}(v, {extra})"
        return Code(f"np.apply_along_axis({fn}, {axis}, {self._value(x).text})",  # type: ignore[arg-type]
                    POSTFIX)

    def _function_value(self, arg: Arg) -> Code:
        """An argument that R calls (``FUN``, ``.f``): R's function names win over variables."""
        self._want_function = True
        try:
            return self._value(arg)
        finally:
            self._want_function = False

    def _special_scale(self, args: list[Arg], node: Any) -> Code:
        bound = self._match("scale", rules.Rule("x, center=TRUE, scale=TRUE"), args)
        self.imports.update(rules.NP)
        x = bound.get("x")
        if not isinstance(x, Arg):
            self.todo("argument", "scale() needs x")
            return Code("None")
        xs = self._value(x).at(POSTFIX)
        parts: dict[str, Code | None] = {}
        for key, computed in (("center", f"np.mean({xs}, axis=0)"),
                              ("scale", f"np.std({xs}, axis=0, ddof=1)")):
            arg = bound.get(key)
            value = self._value(arg) if isinstance(arg, Arg) else Code("True")
            parts[key] = (Code(computed, POSTFIX) if value.text == "True"
                          else None if value.text == "False" else value)
        center, scale = parts["center"], parts["scale"]
        out = Code(xs) if center is None else Code(f"{xs} - {center.at(TERM)}", ARITH)
        if scale is not None:
            return Code(f"{out.at(TERM)} / {scale.at(TERM + 1)}", TERM)
        return out

    def _special_reduce(self, args: list[Arg], node: Any) -> Code:
        """``sum(x)`` -> ``np.sum(x)``; ``sum(a, b)`` -> ``np.sum(np.hstack([a, b]))``."""
        name = (self._call_name(node) if node.type == "call"
                else node.text.decode().split("::")[-1]) if node is not None else None
        rule = rules.FUNCTIONS[name or "sum"]
        fn = rule.py or "np.sum"
        self.imports.update(rules.NP)
        na_rm = [a for a in args if a.name in ("na.rm", "na_rm")]
        values = [a for a in args if a.name is None and (a.node is not None or a.code)]
        if na_rm:
            flag = self._value(na_rm[0]).text
            if flag == "True":
                fn = rules.NAN_FUNCTIONS.get(fn, fn)
            elif flag != "False":
                self.todo("argument", f"`{name}(na.rm = )`: drop the NA values first")
        if len(values) + len(na_rm) != len([a for a in args if a.node is not None or a.code]):
            self.todo("argument", f"named arguments of `{name}()` are not translated")
        if len(values) == 1:
            return Code(f"{fn}({self._value(values[0]).text})", POSTFIX)
        return Code(f"{fn}(np.hstack([{self._plain_args(values)}]))", POSTFIX)

    def _special_list_files(self, args: list[Arg], node: Any) -> Code:
        """``list.files(path, pattern, full.names = TRUE)`` as a sorted list of names."""
        bound = self._match("list.files", rules.Rule("path, pattern, all.files, full.names, "
                                                     "recursive, ignore.case"), args)

        def v(key: str) -> str | None:
            arg = bound.get(key)
            return self._value(arg).text if isinstance(arg, Arg) else None

        path = v("path") or '"."'
        out = f"sorted(os.listdir({path}))"
        if v("pattern") is not None:
            self.imports.add("import re")
            out = f"[f for f in {out} if re.search({v('pattern')}, f)]"
        if v("full.names") not in (None, "False"):
            out = f"[os.path.join({path}, f) for f in {out}]"
        if v("recursive") not in (None, "False") or v("all.files") not in (None, "False") or \
                v("ignore.case") not in (None, "False"):
            self.todo("argument", "list.files(recursive/all.files/ignore.case): use os.walk")
        return Code(out, POSTFIX)

    def _special_image(self, args: list[Arg], node: Any) -> Code:
        """``image(z)`` or ``image(x, y, z)``: the matrix drawn, as ``plt.imshow``."""
        values = [a for a in args if a.name is None and (a.node is not None or a.code)]
        named = {a.name: a for a in args if a.name is not None}
        z = named.get("z") or (values[2] if len(values) >= 3 else values[0] if values else None)
        if z is None:
            self.todo("argument", "`image()` needs the matrix to draw")
            return Code("plt.imshow(None)", POSTFIX)
        extra = [a for a in named.values() if a.name not in ("z", "x", "y", "col", "axes")]
        if extra:
            self.todo("argument", "image(): arguments other than the matrix are not translated")
        return Code(f"plt.imshow({self._value(z).text})", POSTFIX)

    def _special_sample(self, args: list[Arg], node: Any) -> Code:
        rule = rules.Rule("x, size, replace=FALSE, prob")
        bound = self._match("sample", rule, args)
        self.imports.update(rules.NP)

        def v(key: str) -> Code | None:
            arg = bound.get(key)
            return self._value(arg) if isinstance(arg, Arg) else None

        x, size, replace, prob = v("x"), v("size"), v("replace"), v("prob")
        if x is None:
            self.todo("argument", "`sample()` needs argument `x`")
            x = Code("None")
        xnode = bound.get("x")
        scalar = isinstance(xnode, Arg) and xnode.node is not None and (
            xnode.node.type in ("float", "integer")
            or (xnode.node.type == "call" and self._call_name(xnode.node) in (
                "nrow", "ncol", "length", "NROW")))
        population = f"np.arange(1, {self._plus(x, 1)})" if scalar else x.text
        if size is None and prob is None and replace is None:
            return Code(f"np.random.permutation({population})", POSTFIX)
        extra = f", size={size.text}" if size is not None else ""
        extra += f", replace={replace.text if replace is not None else 'False'}"
        if prob is not None:
            extra += f", p={prob.text}"
        return Code(f"np.random.choice({population}{extra})", POSTFIX)

    def _fstring(self, args: list[Arg], sep: str) -> Code:
        """``paste0("a", x)`` -> ``f"a{x}"``; ``"a" + str(x)`` when ``x`` cannot sit in one."""
        items: list[tuple[str, str]] = []
        for arg in args:
            if arg.node is None and arg.code is None:
                continue
            if arg.node is not None and arg.node.type == "string" and arg.code is None:
                items.append(("lit", ast.literal_eval(self.expr(arg.node).text)))
            else:
                items.append(("expr", self._value(arg).text))
        if any(kind == "expr" and any(ch in text for ch in '\n#\\"{}') for kind, text in items):
            pieces = []
            for i, (kind, text) in enumerate(items):
                if i and sep:
                    pieces.append(_literal(sep))
                pieces.append(_literal(text) if kind == "lit" else f"str({text})")
            return Code(" + ".join(pieces), ARITH)
        parts = [text.replace("{", "{{").replace("}", "}}") if kind == "lit" else "{" + text + "}"
                 for kind, text in items]
        body = sep.replace("{", "{{").replace("}", "}}").join(parts)
        body = body.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        if any(kind == "expr" for kind, _ in items):
            return Code(f'f"{body}"')
        return Code(_literal(sep.join(text for _, text in items)))

    def _special_glue(self, args: list[Arg], node: Any) -> Code:
        """``glue("loss {loss}")`` -> ``f"loss {loss}"`` (the R inside braces is translated)."""
        from .parsing import parse_r

        sep = ""
        pieces = []
        for arg in args:
            literal = arg.node is not None and arg.node.type == "string"
            if arg.name == ".sep" and literal:
                sep = ast.literal_eval(self.expr(arg.node).text)
            elif arg.name is not None or not literal:
                self.todo("glue", "glue() with named or non-literal arguments: write an f-string")
                return Code(f"glue({self._plain_args(args)})", POSTFIX)
            else:
                pieces.append(ast.literal_eval(self.expr(arg.node).text))
        text = sep.join(pieces)
        out, pos = "", 0
        for m in re.finditer(r"\{([^{}]*)\}", text):
            out += text[pos : m.start()].replace("{", "{{").replace("}", "}}")
            try:
                root = parse_r(m.group(1))
                inner = [c for c in root.named_children if c.type != "comment"]
                value = self.expr(inner[0]).text if len(inner) == 1 else None
            except Exception:
                value = None
            if value is None or any(ch in value for ch in "\\\"'\n#{}"):
                self.todo("glue", "glue() expression is not simple: write an f-string")
                return Code(repr(text).replace("'", '"'))
            out += "{" + value + "}"
            pos = m.end()
        out += text[pos:].replace("{", "{{").replace("}", "}}")
        return Code("f" + repr(out).replace("'", '"') if '"' not in out else "f" + repr(out))

    def _collapse(self, args: list[Arg], sep: str) -> Code | None:
        """``paste(x, collapse = " ")`` of one vector: ``" ".join(map(str, x))``."""
        collapse = [a for a in args if a.name == "collapse"]
        values = [a for a in args if a.name is None and (a.node is not None or a.code)]
        if len(collapse) != 1 or len(values) != 1:
            return None
        joiner = self._value(collapse[0])
        return Code(f"{joiner.at(POSTFIX)}.join(map(str, {self._value(values[0]).text}))",
                    POSTFIX)

    def _special_paste0(self, args: list[Arg], node: Any) -> Code:
        collapse = [a for a in args if a.name in ("collapse",)]
        joined = self._collapse(args, "")
        if joined is not None:
            return joined
        if collapse:
            self.todo("paste", "paste(collapse = ) joins a vector: use sep.join(map(str, x))")
        return self._fstring([a for a in args if a.name is None], "")

    def _special_paste(self, args: list[Arg], node: Any) -> Code:
        joined = self._collapse(args, " ")
        if joined is not None:
            return joined
        sep_args = [a for a in args if a.name == "sep"]
        sep = " "
        if sep_args:
            node_ = sep_args[0].node
            if node_ is not None and node_.type == "string":
                sep = ast.literal_eval(self.expr(node_).text)
            else:
                self.todo("paste", "paste(sep = ) is not a literal: write an f-string")
        if [a for a in args if a.name == "collapse"]:
            self.todo("paste", "paste(collapse = ) joins a vector: use sep.join(map(str, x))")
        return self._fstring([a for a in args if a.name is None], sep)

    def _special_cat(self, args: list[Arg], node: Any) -> Code:
        values = [a for a in args if a.name is None and (a.node is not None or a.code)]
        sep = next((a for a in args if a.name == "sep"), None)
        end = '""'
        if values and values[-1].node is not None and values[-1].node.type == "string" and \
                values[-1].node.text.decode()[1:-1].endswith("\\n"):
            last = values[-1].node.text.decode()[1:-1]
            if last == "\\n":
                values = values[:-1]
                end = None
            elif "\\n" not in last[:-2]:
                end = None
                values = values[:-1] + [Arg(None, code=Code(f'"{last[:-2]}"'))]
        extra = []
        if sep is not None:
            extra.append(f"sep={self._value(sep).text}")
        if end is not None:
            extra.append(f"end={end}")
        body = self._plain_args(values)
        joined = ", ".join(p for p in [body.rstrip(", "), *extra] if p)
        return Code(f"print({joined})", POSTFIX)
