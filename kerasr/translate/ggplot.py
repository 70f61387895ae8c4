"""Simple ggplot2 statements as matplotlib calls, one line per layer.

``ggplot(df, aes(x, y)) + geom_point() + geom_line(aes(y = f(x))) + ggtitle("t")`` becomes::

    _d = df
    plt.scatter(_d["x"], _d["y"])
    plt.plot(_d["x"], f(_d["x"]))
    plt.title("t")

and ``plot(history) + ggtitle(...)`` / ``+ scale_y_log10()`` draw kerasr's history plot and
then adjust it. Only the layers below are translated, with ``x``/``y`` mappings and literal
styling; any other layer, mapping (colour by a column, facets) or a plot kept in a variable
leaves the statement to the generic path, which marks it TODO.
"""

from __future__ import annotations

from typing import Any

from . import rules

__all__: list[str] = []

DATA = "_d"
#: ggplot2 argument -> matplotlib keyword, per kind of layer
STYLE = {
    "point": {"color": "color", "colour": "color", "alpha": "alpha", "size": "s",
              "shape": "marker"},
    "line": {"color": "color", "colour": "color", "alpha": "alpha", "size": "linewidth",
             "linewidth": "linewidth", "linetype": "linestyle", "lty": "linestyle"},
    "hist": {"bins": "bins", "fill": "color", "color": "edgecolor", "colour": "edgecolor",
             "alpha": "alpha"},
}
LINESTYLES = {"dashed": "--", "dotted": ":", "solid": "-", "dotdash": "-.", "longdash": "--"}
#: layers that only change looks: skipped with no loss of content
COSMETIC = ("theme", "theme_")


class _Unsupported(Exception):
    pass


class GgplotMixin:
    """The ggplot2 part of the emitter (mixed into :class:`~.emitter.Emitter`)."""

    def _plus_terms(self, node: Any) -> list[Any]:
        e: Any = self
        if node.type == "binary_operator" and e._op(node) == "+":
            return [*self._plus_terms(node.child_by_field_name("lhs")),
                    node.child_by_field_name("rhs")]
        return [node]

    def _ggplot_statement(self, node: Any, indent: str) -> list[str] | None:
        """Matplotlib lines for a whole ggplot statement, or None to leave it to the TODO path."""
        e: Any = self
        if node.type == "call" and e._call_name(node) == "theme_set":
            return [indent + "# theme_set(): a ggplot2 theme; matplotlib keeps its own style"]
        terms = self._plus_terms(node)
        piped = None
        first = terms[0]
        if first.type == "binary_operator" and e._op(first) in rules.PIPES:
            piped, terms = first.child_by_field_name("lhs"), [
                first.child_by_field_name("rhs"), *terms[1:]]
        if any(t is None or t.type != "call" for t in terms):
            return None
        base = e._call_name(terms[0])
        if piped is not None and base != "ggplot":
            return None
        if base not in ("ggplot", "plot") or (base == "plot" and len(terms) == 1):
            return None
        saved = (list(e._frames[-1].todos), set(e.imports))
        try:
            lines = self._ggplot_lines(terms, base, piped)
        except _Unsupported:
            e._frames[-1].todos[:] = saved[0]
            e.imports.clear()
            e.imports.update(saved[1])
            return None
        e.imports.update(rules.PLT)
        return [indent + line for line in lines]

    def _aes(self, call: Any) -> dict[str, Any]:
        e: Any = self
        out: dict[str, Any] = {}
        positional = ["x", "y"]
        for arg in e._args(call):
            if arg.node is None:
                continue
            key = arg.name.strip("`") if arg.name else (positional.pop(0) if positional else None)
            if key in ("color", "colour", "group", "fill"):
                node = arg.node  # colour by a column: one line (or point set) per group
                if node.type == "call" and e._call_name(node) in ("factor", "as.factor"):
                    inner = e._args(node)
                    node = inner[0].node if len(inner) == 1 else None
                if node is None or node.type != "identifier" or out.get("group") not in (
                        None, node.text.decode()):
                    raise _Unsupported
                out["group"] = node.text.decode().strip("`")
                continue
            if key not in ("x", "y"):
                raise _Unsupported
            out[key] = arg
        return out

    def _column(self, arg: Any, var: str = DATA) -> str:
        e: Any = self
        with e._masking(strict=True) as _:
            e._mask_var = var
            return e._value(arg).text

    def _style(self, args: list[Any], kind: str) -> str:
        e: Any = self
        out = []
        for arg in args:
            if arg.name is None or arg.node is None:
                raise _Unsupported
            name = arg.name.strip("`")
            key = STYLE[kind].get(name)
            if key is None:
                if name in ("se", "method", "show.legend", "inherit.aes"):
                    continue
                raise _Unsupported
            if arg.node.type not in ("string", "float", "integer", "true", "false"):
                raise _Unsupported
            value = e._value(arg).text
            if key == "linestyle":
                value = '"' + LINESTYLES.get(value.strip("\"'"), value.strip("\"'")) + '"'
            out.append(f"{key}={value}")
        return "".join(", " + s for s in out)

    def _ggplot_lines(self, terms: list[Any], base: str, piped: Any = None) -> list[str]:
        e: Any = self
        lines: list[str] = []
        mapping: dict[str, Any] = {}
        if base == "plot":
            lines.append(e.expr(terms[0]).text)
        else:
            args = e._args(terms[0])
            if piped is not None:
                args.insert(0, e._arg_type(None, piped))
            data = [a for a in args if a.name in (None, "data") and a.node is not None and not (
                a.node.type == "call" and e._call_name(a.node) == "aes")]
            aes = [a for a in args if a.node is not None and a.node.type == "call"
                   and e._call_name(a.node) == "aes"]
            if len(data) != 1 or len(aes) > 1 or len(args) != len(data) + len(aes):
                raise _Unsupported
            lines.append(f"{DATA} = {e._value(data[0]).text}")
            mapping = self._aes(aes[0].node) if aes else {}
        for term in terms[1:]:
            name = e._call_name(term) or ""
            args = e._args(term)
            if name.startswith(COSMETIC):
                continue
            if name in ("geom_point", "geom_line", "geom_histogram", "geom_smooth"):
                if base == "plot":
                    raise _Unsupported
                layer = dict(mapping)
                own = [a for a in args if a.node is not None and a.node.type == "call"
                       and e._call_name(a.node) == "aes"]
                for a in own:
                    layer.update(self._aes(a.node))
                rest = [a for a in args if a not in own]
                if "x" not in layer:
                    raise _Unsupported
                group = layer.get("group")
                var = "_g" if group else DATA
                x = self._column(layer["x"], var)
                label = ", label=_key" if group else ""
                head = [f'for _key, _g in {DATA}.groupby("{group}"):'] if group else []
                pad = "    " if group else ""
                if name == "geom_histogram":
                    lines.extend(head)
                    lines.append(f"{pad}plt.hist({x}{self._style(rest, 'hist')}{label})")
                    continue
                if "y" not in layer:
                    raise _Unsupported
                y = self._column(layer["y"], var)
                if name == "geom_point":
                    lines.extend(head)
                    lines.append(f"{pad}plt.scatter({x}, {y}{self._style(rest, 'point')}{label})")
                elif name == "geom_line":
                    lines.extend(head)
                    lines.append(f"{pad}plt.plot({x}, {y}{self._style(rest, 'line')}{label})")
                elif group:
                    raise _Unsupported
                else:
                    method = [a for a in rest if a.name == "method"]
                    if not method or e._value(method[0]).text.strip("\"'") != "lm":
                        raise _Unsupported
                    e.imports.update(rules.NP)
                    lines.append(f"plt.plot({x}, np.poly1d(np.polyfit({x}, {y}, 1))({x})"
                                 f"{self._style(rest, 'line')})")
                continue
            if name in ("geom_vline", "geom_hline"):
                key = "xintercept" if name == "geom_vline" else "yintercept"
                at = [a for a in args if a.name == key]
                if len(at) != 1:
                    raise _Unsupported
                fn = "axvline" if name == "geom_vline" else "axhline"
                style = self._style([a for a in args if a is not at[0]], "line")
                lines.append(f"plt.{fn}({e._value(at[0]).text}{style})")
                continue
            if name == "geom_col" and base == "ggplot":
                layer = dict(mapping)
                if "x" not in layer or "y" not in layer or "group" in layer:
                    raise _Unsupported
                x, y = self._column(layer["x"]), self._column(layer["y"])
                lines.append(f"plt.bar({x}, {y}{self._style(args, 'hist')})")
                continue
            if name == "ggtitle" and args and args[0].name is None and all(
                    a.name in (None, "subtitle") for a in args) and len(args) <= 2:
                text = e._value(args[0]).text
                if len(args) == 2:
                    text = f'{text} + "\\n" + {e._value(args[1]).text}'
                lines.append(f"plt.title({text})")
                continue
            if name in ("xlab", "ylab") and len(args) == 1 and args[0].name is None:
                fn = {"xlab": "xlabel", "ylab": "ylabel"}[name]
                lines.append(f"plt.{fn}({e._value(args[0]).text})")
                continue
            if name == "labs":
                for a in args:
                    if a.name in ("color", "colour", "fill", "caption", "subtitle"):
                        continue  # legend titles and captions: cosmetic
                    fn = {"x": "xlabel", "y": "ylabel", "title": "title"}.get(a.name or "")
                    if fn is None:
                        raise _Unsupported
                    lines.append(f"plt.{fn}({e._value(a).text})")
                continue
            if name in ("scale_y_log10", "scale_x_log10") and len(args) <= 1 and all(
                    a.name in (None, "name") for a in args):
                lines.append(f'plt.{name[6]}scale("log")')
                if args:
                    lines.append(f"plt.{name[6]}label({e._value(args[0]).text})")
                continue
            if name in ("scale_x_continuous", "scale_y_continuous"):
                limits = [a for a in args if a.name == "limits"]
                if len(limits) != 1 or len(args) != 1:
                    raise _Unsupported
                value = e._value(limits[0]).text
                lines.append(f"plt.{name[6]}lim({value})")
                continue
            raise _Unsupported
        if any(line.startswith("for _key") for line in lines):
            lines.append("plt.legend()")
        return lines
