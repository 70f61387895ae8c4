"""dplyr verbs and ``tibble()`` as pandas: data masking becomes ``lambda d: d["col"]``.

R evaluates ``mutate(df, z = x + y)`` with the columns of ``df`` in scope. pandas says
the same with ``df.assign(z=lambda d: d["x"] + d["y"])``. Inside such an expression a name
that the R code never defines (no assignment, parameter or loop variable, not a function
or constant) is taken as a column; names the code does define stay variables, so a column
with the same name as a variable is read as the variable (check those by hand).
"""

from __future__ import annotations

import keyword
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from . import rules
from .code import POSTFIX, Code

__all__: list[str] = []


class TidyMixin:
    """The dplyr part of the emitter (mixed into :class:`~.emitter.Emitter`)."""

    _mask: set[str] | None
    _mask_var: str
    _mask_strict: bool = False

    # -- data masking ------------------------------------------------------------------------
    @contextmanager
    def _masking(self, known: set[str] | None = None, strict: bool = False) -> Iterator[str]:
        """Names in ``known`` are columns; ``strict`` (ggplot2's ``aes()``): every bare name
        that is not a function or constant is a column, even if a variable has its name."""
        saved = self._mask, self._mask_var, self._mask_strict
        self._mask = set(known or ())
        self._mask_strict = strict
        self._mask_var = "d" if "d" not in self.variables else "d_"  # type: ignore[attr-defined]
        try:
            yield self._mask_var
        finally:
            self._mask, self._mask_var, self._mask_strict = saved

    def _is_column(self, name: str) -> bool:
        """Inside a masked expression: is this bare name a column of the data frame?"""
        if self._mask is None:
            return False
        if name in self._mask:
            return True
        e: Any = self
        if self._mask_strict:
            return name not in rules.CONSTANTS and name not in (".", "...")
        if e._want_function:
            return False
        # R looks in the data first: a bare name that is also an R function (class, count)
        # is a column here
        return not (
            name in e.variables or name in e.user_functions or name in rules.CONSTANTS
            or name in e.k.names or name in (".", "...")
        )

    def _masked(self, arg: Any, known: set[str] | None = None) -> tuple[str, str]:
        """``(lambda text, d)``: an R expression over columns, as ``lambda d: ...``."""
        e: Any = self
        with self._masking(known) as d:
            value = e._value(arg)
        return f"lambda {d}: {value.text}", d

    # -- verbs -----------------------------------------------------------------------------------
    def _data(self, args: list[Any], verb: str) -> tuple[Any, list[Any]]:
        e: Any = self
        data = [a for a in args if a.name is None and (a.node is not None or a.code is not None)]
        if not data:
            e.todo("argument", f"`{verb}()` without a data frame")
            return None, args
        first = data[0]
        return e._value(first), [a for a in args if a is not first]

    def _column_names(self, args: list[Any], verb: str) -> list[str] | None:
        """Bare column names or strings (``select(a, b)``), else None (tidyselect helpers)."""
        out = []
        e: Any = self
        if len(args) == 1 and args[0].node is not None and args[0].node.type == "call" \
                and e._call_name(args[0].node) == "c":
            args = e._args(args[0].node)  # select(df, c(a, b))
        for a in args:
            if a.node is None or a.name is not None:
                return None
            if a.node.type == "identifier":
                out.append(a.node.text.decode().strip("`"))
            elif a.node.type == "string":
                out.append(a.node.text.decode()[1:-1])
            else:
                return None
        return out

    def _special_tibble(self, args: list[Any], node: Any) -> Any:
        """``tibble(x = ..., y = f(x))``: later columns may use earlier ones (``assign``)."""
        e: Any = self
        e.imports.update(rules.PD)
        defined: set[str] = set()
        plain: list[Any] = []
        later: list[Any] = []
        for arg in args:
            if arg.node is None:
                continue
            used = {n.text.decode() for n in e._walk(arg.node) if n.type == "identifier"}
            if later or (used & defined):
                later.append(arg)
            else:
                plain.append(arg)
            if arg.name is not None:
                defined.add(arg.name.strip("`"))
        if any(a.name is None for a in plain + later):
            return Code(f"pd.DataFrame({e._plain_args(plain + later)})", POSTFIX)
        text = f"pd.DataFrame({self._columns_dict(plain)})"
        known = {a.name.strip("`") for a in plain}
        for arg in later:
            fn, _ = self._masked(arg, known)
            text += f".assign({self._assign_kw(arg.name, fn)})"
            known.add(arg.name.strip("`"))
        return Code(text, POSTFIX)

    @staticmethod
    def _assign_kw(name: str, value: str) -> str:
        """``name=value`` for ``assign()``, or ``**{"my.col": value}`` to keep R's name."""
        name = name.strip("`'\"")
        if name.isidentifier() and not keyword.iskeyword(name):
            return f"{name}={value}"
        return "**{" + '"' + name + '"' + ": " + value + "}"

    def _columns_dict(self, args: list[Any]) -> str:
        """Named columns as ``dict(a=...)``, or ``{"my.col": ...}`` when a name must be kept."""
        e: Any = self
        names = [a.name.strip("`'\"") for a in args]
        if all(n.isidentifier() and not keyword.iskeyword(n) for n in names):
            return f"dict({e._plain_args(args)})"
        items = ['"' + n + '": ' + e._value(a).text for n, a in zip(names, args)]
        return "{" + ", ".join(items) + "}"

    def _special_mutate(self, args: list[Any], node: Any) -> Any:
        e: Any = self
        data, rest = self._data(args, "mutate")
        if data is None:
            return Code("None")
        if data.grouped is not None:
            e.todo("dplyr", "grouped mutate()/filter(): use df.groupby(...).transform")
        text = data.at(POSTFIX)
        known: set[str] = set()
        for arg in rest:
            if arg.name is None:
                e.todo("dplyr", rules.DPLYR)
                continue
            fn, _ = self._masked(arg, known)
            text += f".assign({self._assign_kw(arg.name, fn)})"
            known.add(arg.name.strip("`"))
        return Code(text, POSTFIX)

    def _special_filter(self, args: list[Any], node: Any) -> Any:
        e: Any = self
        data, rest = self._data(args, "filter")
        if data is None:
            return Code("None")
        if data.grouped is not None:
            e.todo("dplyr", "grouped mutate()/filter(): use df.groupby(...).transform")
        text = data.at(POSTFIX)
        for arg in rest:
            if arg.name is not None:
                e.todo("dplyr", rules.DPLYR)
                continue
            fn, _ = self._masked(arg)
            text += f".loc[{fn}]"
        return Code(text, POSTFIX)

    def _special_select(self, args: list[Any], node: Any) -> Any:
        e: Any = self
        data, rest = self._data(args, "select")
        if data is None:
            return Code("None")
        negative = [a for a in rest if a.node is not None and a.node.type == "unary_operator"
                    and e._op(a.node) == "-"]
        if negative and len(negative) == len(rest):
            names = [a.node.child_by_field_name("rhs").text.decode().strip("`")
                     for a in negative]
            if all(n.isidentifier() for n in names):
                return Code(f"{data.at(POSTFIX)}.drop(columns={names!r})".replace("'", '"'),
                            POSTFIX)
        names = self._column_names(rest, "select")
        if names is None:
            e.todo("dplyr", rules.DPLYR)
            return Code(f"select({e._plain_args(args)})", POSTFIX)
        return Code(f"{data.at(POSTFIX)}[{names!r}]".replace("'", '"'), POSTFIX)

    def _special_pull(self, args: list[Any], node: Any) -> Any:
        e: Any = self
        data, rest = self._data(args, "pull")
        if data is None:
            return Code("None")
        if not rest:  # pull(df): the last column
            return Code(f"{data.at(POSTFIX)}.iloc[:, -1]", POSTFIX)
        names = self._column_names(rest, "pull")
        if not names or len(names) != 1:
            e.todo("dplyr", rules.DPLYR)
            return Code(f"pull({e._plain_args(args)})", POSTFIX)
        return Code(f'{data.at(POSTFIX)}["{names[0]}"]', POSTFIX)

    def _special_arrange(self, args: list[Any], node: Any) -> Any:
        e: Any = self
        data, rest = self._data(args, "arrange")
        if data is None:
            return Code("None")
        names, ascending = [], []
        for a in rest:
            n = a.node
            if n is not None and n.type == "call" and e._call_name(n) == "desc":
                inner = e._args(n)
                n = inner[0].node if inner else None
                ascending.append(False)
            else:
                ascending.append(True)
            if n is None or n.type != "identifier" or a.name is not None:
                e.todo("dplyr", rules.DPLYR)
                return Code(f"arrange({e._plain_args(args)})", POSTFIX)
            names.append(n.text.decode().strip("`"))
        order = "" if all(ascending) else f", ascending={ascending!r}"
        return Code(f"{data.at(POSTFIX)}.sort_values({names!r}{order})".replace("'", '"'),
                    POSTFIX)

    def _special_slice_sample(self, args: list[Any], node: Any) -> Any:
        e: Any = self
        data, rest = self._data(args, "slice_sample")
        if data is None:
            return Code("None")
        kw = []
        for a in rest:
            key = {"n": "n", "prop": "frac", "size": "n", "replace": "replace", "": "n"}.get(
                a.name or "")
            if key is None:
                e.todo("dplyr", rules.DPLYR)
                continue
            kw.append(f"{key}={e._value(a).text}")
        return Code(f"{data.at(POSTFIX)}.sample({', '.join(kw)})", POSTFIX)

    def _special_sample_frac(self, args: list[Any], node: Any) -> Any:
        e: Any = self
        data, rest = self._data(args, "sample_frac")
        if data is None:
            return Code("None")
        frac = e._value(rest[0]).text if rest else "1"
        return Code(f"{data.at(POSTFIX)}.sample(frac={frac})", POSTFIX)

    def _special_rename(self, args: list[Any], node: Any) -> Any:
        e: Any = self
        data, rest = self._data(args, "rename")
        if data is None:
            return Code("None")
        pairs = {}
        for a in rest:
            if a.name is None or a.node is None or a.node.type not in ("identifier", "string"):
                e.todo("dplyr", rules.DPLYR)
                return Code(f"rename({e._plain_args(args)})", POSTFIX)
            pairs[a.node.text.decode().strip("`'\"")] = a.name.strip("`'\"")
        return Code(f"{data.at(POSTFIX)}.rename(columns={pairs!r})".replace("'", '"'), POSTFIX)

    def _special_group_by(self, args: list[Any], node: Any) -> Any:
        e: Any = self
        data, rest = self._data(args, "group_by")
        if data is None:
            return Code("None")
        names = self._column_names(rest, "group_by")
        if not names:
            e.todo("dplyr", rules.DPLYR)
            return Code(f"group_by({e._plain_args(args)})", POSTFIX)
        keys = repr(names).replace("'", '"')
        return Code(f"{data.at(POSTFIX)}.groupby({keys})", POSTFIX,
                    grouped=(data.at(POSTFIX), names))

    def _special_ungroup(self, args: list[Any], node: Any) -> Any:
        e: Any = self
        data, _ = self._data(args, "ungroup")
        return data if data is not None and data.grouped is None else e._value(args[0])

    def _special_summarise(self, args: list[Any], node: Any) -> Any:
        """``summarise(df, m = min(x))`` -> one-row data frame; grouped: one row per group."""
        e: Any = self
        data, rest = self._data(args, "summarise")
        if data is None:
            return Code("None")
        if any(a.name is None for a in rest) or not rest:
            e.todo("dplyr", rules.DPLYR)
            return Code(f"summarise({e._plain_args(args)})", POSTFIX)
        with self._masking() as d:
            parts = [f"{e._py_arg(a.name)}={e._value(a).text}" for a in rest]
        row = f"dict({', '.join(parts)})"
        if data.grouped is not None:
            frame, keys = data.grouped
            keys_text = repr(keys).replace("'", '"')
            return Code(f"{frame}.groupby({keys_text}).apply(lambda {d}: pd.Series({row}))"
                        ".reset_index()", POSTFIX)
        return Code(f"(lambda {d}: pd.DataFrame([{row}]))({data.text})", POSTFIX)

    def _special_count(self, args: list[Any], node: Any) -> Any:
        e: Any = self
        data, rest = self._data(args, "count")
        if data is None:
            return Code("None")
        names = self._column_names(rest, "count")
        if not names:
            e.todo("dplyr", rules.DPLYR)
            return Code(f"count({e._plain_args(args)})", POSTFIX)
        keys = repr(names).replace("'", '"')
        return Code(f'{data.at(POSTFIX)}.groupby({keys}).size().reset_index(name="n")', POSTFIX)

    def _special_join(self, args: list[Any], node: Any) -> Any:
        """``left_join(a, b, by = "k")`` -> ``a.merge(b, how="left", on="k")``."""
        e: Any = self
        how = {"left_join": "left", "inner_join": "inner", "right_join": "right",
               "full_join": "outer"}[e._call_name(node) or "left_join"] if node.type == "call" \
            else "left"
        plain = [a for a in args if a.name is None and (a.node is not None or a.code)]
        by = [a for a in args if a.name == "by"]
        if len(plain) != 2 or len(args) != len(plain) + len(by):
            e.todo("dplyr", rules.DPLYR)
            return Code(f"merge({e._plain_args(args)})", POSTFIX)
        on = f", on={e._value(by[0]).text}" if by else ""
        return Code(f'{e._value(plain[0]).at(POSTFIX)}.merge({e._value(plain[1]).text}, '
                    f'how="{how}"{on})', POSTFIX)

    def _special_row_number(self, args: list[Any], node: Any) -> Any:
        e: Any = self
        if self._mask is None or args:
            e.todo("dplyr", rules.DPLYR)
            return Code("row_number()", POSTFIX)
        e.imports.update(rules.NP)
        return Code(f"np.arange(1, len({self._mask_var}) + 1)", POSTFIX)

    def _special_n(self, args: list[Any], node: Any) -> Any:
        e: Any = self
        if self._mask is None or args:
            e.todo("dplyr", rules.DPLYR)
            return Code("n()", POSTFIX)
        return Code(f"len({self._mask_var})", POSTFIX)

    def _special_expand_grid(self, args: list[Any], node: Any) -> Any:
        """``expand.grid(a = x, b = y)`` (first varies fastest) / tidyr's ``expand_grid``
        (last varies fastest) as ``pd.MultiIndex.from_product(...).to_frame(index=False)``."""
        e: Any = self
        name = e._call_name(node) if node is not None and node.type == "call" else "expand_grid"
        named = [a for a in args if a.name is not None and a.node is not None]
        if not named or len(named) != len([a for a in args if a.node is not None]):
            e.todo("dplyr", rules.DPLYR)
            return Code(f"{e._py_arg(name or 'expand_grid')}({e._plain_args(args)})", POSTFIX)
        e.imports.update(rules.NP + rules.PD)
        order = list(reversed(named)) if name == "expand.grid" else named
        values = ", ".join(f"np.atleast_1d({e._value(a).text})" for a in order)
        names = [a.name.strip("`") for a in named]
        order_names = repr([a.name.strip("`") for a in order]).replace("'", '"')
        text = f"pd.MultiIndex.from_product([{values}], names={order_names}).to_frame(index=False)"
        if name == "expand.grid":
            text += f"[{repr(names)}]".replace("'", '"')
        return Code(text, POSTFIX)

    def _melt(self, data: Any, rest: list[Any], key: str, value: str, verb: str) -> Any:
        """``gather()``/``pivot_longer()`` as ``df.melt(...)``: ``-col`` columns are kept."""
        e: Any = self
        keep: list[str] = []
        for a in rest:
            n = a.node
            if n is not None and n.type == "call" and e._call_name(n) == "everything":
                continue
            if n is not None and n.type == "unary_operator" and e._op(n) == "-":
                inner = n.child_by_field_name("rhs")
                if inner is not None and inner.type == "identifier":
                    keep.append(inner.text.decode().strip("`"))
                    continue
            e.todo("dplyr", rules.DPLYR)
            return Code(f"{verb}({e._plain_args([a for a in rest])})", POSTFIX)
        ids = f"id_vars={keep!r}, ".replace("'", '"') if keep else ""
        return Code(f"{data.at(POSTFIX)}.melt({ids}var_name={key}, value_name={value})", POSTFIX)

    def _special_gather(self, args: list[Any], node: Any) -> Any:
        e: Any = self
        data, rest = self._data(args, "gather")
        if data is None:
            return Code("None")
        names = [a for a in rest if a.name is None][:2]
        if len(names) != 2 or any(a.node.type not in ("identifier", "string") for a in names):
            e.todo("dplyr", rules.DPLYR)
            return Code(f"gather({e._plain_args(args)})", POSTFIX)
        key, value = ('"' + a.node.text.decode().strip("`'\"") + '"' for a in names)
        return self._melt(data, [a for a in rest if a not in names], key, value, "gather")

    def _special_pivot_longer(self, args: list[Any], node: Any) -> Any:
        e: Any = self
        data, rest = self._data(args, "pivot_longer")
        if data is None:
            return Code("None")
        opts = {a.name: a for a in rest if a.name in ("names_to", "values_to")}
        cols = [a for a in rest if a.name in (None, "cols")]
        if len(opts) + len(cols) != len(rest):
            e.todo("dplyr", rules.DPLYR)
            return Code(f"pivot_longer({e._plain_args(args)})", POSTFIX)
        key = e._value(opts["names_to"]).text if "names_to" in opts else '"name"'
        value = e._value(opts["values_to"]).text if "values_to" in opts else '"value"'
        return self._melt(data, cols, key, value, "pivot_longer")

    def _special_case_when(self, args: list[Any], node: Any) -> Any:
        """``case_when(a > 1 ~ "x", TRUE ~ "y")`` -> ``np.select([a > 1], ["x"], default="y")``."""
        e: Any = self
        conds, values, default = [], [], "None"
        for a in args:
            n = a.node
            if a.name is not None or n is None or n.type != "binary_operator" or e._op(n) != "~":
                e.todo("dplyr", rules.DPLYR)
                return Code(f"case_when({e._plain_args(args)})", POSTFIX)
            lhs, rhs = n.child_by_field_name("lhs"), n.child_by_field_name("rhs")
            if lhs.type == "true":
                default = e.expr(rhs).text
            else:
                conds.append(e.expr(lhs).text)
                values.append(e.expr(rhs).text)
        e.imports.update(rules.NP)
        return Code(f"np.select([{', '.join(conds)}], [{', '.join(values)}], default={default})",
                    POSTFIX)

    def _special_top_n(self, args: list[Any], node: Any) -> Any:
        """``top_n(df, n, wt)`` -> ``df.nlargest(n, "wt", keep="all")`` (negative n: smallest)."""
        e: Any = self
        data, rest = self._data(args, "top_n")
        if data is None:
            return Code("None")
        n = [a for a in rest if a.name in (None, "n")]
        wt = [a for a in rest if a.name == "wt"] or n[1:2]
        n = n[:1]
        if len(n) != 1 or len(wt) != 1 or wt[0].node is None or wt[0].node.type != "identifier":
            e.todo("dplyr", rules.DPLYR)
            return Code(f"top_n({e._plain_args(args)})", POSTFIX)
        count = e._value(n[0]).text
        col = wt[0].node.text.decode().strip("`")
        if count.startswith("-"):
            return Code(f'{data.at(POSTFIX)}.nsmallest({count[1:]}, "{col}", keep="all")',
                        POSTFIX)
        return Code(f'{data.at(POSTFIX)}.nlargest({count}, "{col}", keep="all")', POSTFIX)

    def _special_distinct(self, args: list[Any], node: Any) -> Any:
        """``distinct(df)`` / ``distinct(df, a, b)``: unique rows (of those columns)."""
        e: Any = self
        data, rest = self._data(args, "distinct")
        if data is None:
            return Code("None")
        if not rest:
            return Code(f"{data.at(POSTFIX)}.drop_duplicates()", POSTFIX)
        names = self._column_names(rest, "distinct")
        if not names:
            e.todo("dplyr", rules.DPLYR)
            return Code(f"distinct({e._plain_args(args)})", POSTFIX)
        cols = repr(names).replace("'", '"')
        return Code(f"{data.at(POSTFIX)}[{cols}].drop_duplicates()", POSTFIX)

