"""Match a parsed pattern against a value: the values being unpacked and the matcher."""

from __future__ import annotations

import datetime
import sys
from collections.abc import Mapping, Sequence
from typing import Any, NoReturn

import numpy as np

from ..named_list import NamedList
from .defaults import Lookup, evaluate_default, scope_lookup
from .destructure import destructure, has_method
from .errors import INCORRECT_NUMBER_OF_VALUES, UnpackValueCountError
from .patterns import Collector, Default, Group, Name, Pattern, Skip


# =====================================================================================
# Values being unpacked
# =====================================================================================
def _is_r_list(value: Any) -> bool:
    """Does ``value`` play the part of an R list (unpacked at any depth)?"""
    if isinstance(value, (NamedList, Mapping)):
        return True
    return isinstance(value, Sequence) and not isinstance(value, (str, bytes, bytearray))


def _is_pandas_series(value: Any) -> bool:
    pd = sys.modules.get("pandas")
    return pd is not None and isinstance(value, pd.Series)


def _is_scalar(value: Any) -> bool:
    """An R atomic vector of length one: split only by ``destructure()``."""
    return isinstance(value, (str, bytes, int, float, complex, np.generic, datetime.date)) or (
        isinstance(value, np.ndarray) and value.ndim == 0
    )


class _Values:
    """The values at one depth: their number, each by position, and slices for collectors."""

    __slots__ = ("source", "kind", "n", "_items", "desc", "_base", "n_real")

    def __init__(self, source: Any, kind: str, items: Any, n: int, desc: str) -> None:
        self.source = source
        self.kind = kind  # list, tuple, dict, namedlist, array, series, scalar, destructured
        self._items = items
        self.n = n
        self.desc = desc
        self._base: _Values | None = None
        self.n_real = n

    def get(self, i: int) -> Any:
        if self._base is not None and i < self.n_real:
            return self._base.get(i)
        if self.kind == "series":
            return self.source.iloc[i]
        return self._items[i]

    def collect(self, start: int, stop: int) -> Any:
        if self._base is not None:
            return self._base.collect(start, stop)
        if self.kind == "array":
            return self.source[start:stop]
        if self.kind == "series":
            return self.source.iloc[start:stop]
        if self.kind == "namedlist":
            return self.source[start:stop]
        if self.kind == "dict":
            return dict(list(self.source.items())[start:stop])
        return list(self._items[start:stop])

    def with_defaults(self, extra: list[Any]) -> _Values:
        filled = _Values(
            self.source,
            "list",
            [*map(self.get, range(self.n)), *extra],
            self.n + len(extra),
            self.desc,
        )
        filled._base = self
        filled.n_real = self.n
        return filled


def _describe(value: Any) -> str:
    """A few words on a value, for error messages."""
    kind = type(value).__name__
    if isinstance(value, NamedList):
        names = ", ".join(str(n) for n in value.names())
        return f"a NamedList of length {len(value)} ({names})"
    if isinstance(value, np.ndarray) and value.ndim:
        return f"a numpy array of shape {value.shape}"
    if isinstance(value, (str, bytes)):
        shown = repr(value) if len(value) <= 20 else repr(value[:17]) + "..."
        return f"the {kind} {shown}"
    if _is_scalar(value):
        shown = repr(value)
        return f"{shown if len(shown) <= 30 else shown[:27] + '...'} ({kind})"
    try:
        length = len(value)
    except TypeError:
        return f"an object of type {kind}"
    return f"a {kind} of length {length}"


def _list_values(value: Any) -> _Values:
    if isinstance(value, NamedList):
        return _Values(value, "namedlist", value.values(), len(value), _describe(value))
    if isinstance(value, Mapping):
        items = list(value.values())
        return _Values(value, "dict", items, len(items), _describe(value))
    items = value if isinstance(value, (list, tuple)) else list(value)
    return _Values(value, "list", items, len(items), _describe(value))


def _top_values(value: Any) -> _Values:
    """Values of the whole right-hand side, as zeallot's ``multi_assign`` sees them."""
    if _is_r_list(value):
        return _list_values(value)
    if isinstance(value, np.ndarray) and value.ndim >= 1:
        return _Values(value, "array", value, value.shape[0], _describe(value))
    if _is_pandas_series(value):
        return _Values(value, "series", None, len(value), f"a pandas Series of length {len(value)}")
    if _is_scalar(value):
        return _Values(value, "scalar", [value], 1, _describe(value))
    return _destructured(value)


def _destructured(value: Any) -> _Values:
    items = destructure(value)
    if isinstance(items, NamedList):
        items = items.values()
    elif isinstance(items, Mapping):
        items = list(items.values())
    elif not isinstance(items, list):
        if isinstance(items, Sequence) and not isinstance(items, (str, bytes)):
            items = list(items)
        else:
            raise TypeError(
                f"destructure() for {type(value).__name__} must return a list, "
                f"not {type(items).__name__}"
            )
    desc = f"{_describe(value)} destructured into {len(items)}"
    return _Values(value, "destructured", items, len(items), desc)


# =====================================================================================
# Matching
# =====================================================================================
class Matcher:
    def __init__(self, pattern: Pattern, into: Mapping[str, Any] | None,
                 lookup: Lookup | None = None) -> None:
        self.pattern = pattern
        self.into = into
        self.lookup = lookup or scope_lookup(into)
        self.out: list[tuple[str, Any]] = []

    def count_error(self, group: Group, vals: _Values | None, detail: str = "") -> NoReturn:
        k = len(group.items)
        ci = group.collector_index
        need_min = group.min_values
        if ci is not None and group.items[ci].default is None:
            need_min = max(need_min, k)
        note = ""
        if group is self.pattern.root and vals is not None and vals.n == 0 and need_min == 0:
            # defaults could fill every name, but zeallot refuses an empty value first
            need_min = 1
            note = " (an empty value is never unpacked, even when defaults cover every name)"
        if ci is not None:
            need = f"at least {need_min} value{'s' if need_min != 1 else ''}"
            coll = group.items[ci]
            names = (
                f"{k} name{'s' if k != 1 else ''} including the collector `...{coll.name or ''}`"
            )
        else:
            need = (
                f"exactly {k} value{'s' if k != 1 else ''}"
                if need_min == k
                else f"{need_min} to {k} values"
            )
            names = f"{k} name{'s' if k != 1 else ''}"
        need += note
        where = f"`{group.text}`"
        if group is not self.pattern.root:
            where += f" (inside `{self.pattern.text}`)"
        its = "the" if group is self.pattern.root else "its"
        if detail:
            found = detail
        else:
            assert vals is not None
            found = f"{its} value has {vals.n} ({vals.desc})"
        raise UnpackValueCountError(
            INCORRECT_NUMBER_OF_VALUES + f": {where} has {names}, so it needs {need}, but {found}",
            pattern=self.pattern.text,
            group=group.text,
            n_names=k,
            n_values=None if vals is None else vals.n,
        )

    def run(self, value: Any) -> list[tuple[str, Any]]:
        root = self.pattern.root
        if isinstance(root, Name):
            self.out.append((root.name, value))
            return self.out
        if isinstance(root, Skip):
            return self.out
        splittable = (
            _is_r_list(value)
            or _is_scalar(value)
            or isinstance(value, np.ndarray) or _is_pandas_series(value)
            or has_method(value)
        )
        if not splittable:
            self.count_error(
                root,
                None,
                f"the value is {_describe(value)} and destructure() has no method for "
                f"{type(value).__name__} (register one with @destructure.register)",
            )
        vals = _top_values(value)
        if vals.n == 0:
            self.count_error(root, vals)
        self.match(root, vals, top=True)
        return self.out

    def match(self, group: Group, vals: _Values, top: bool, destructured: bool = False) -> None:
        k = len(group.items)
        ci = group.collector_index
        n = vals.n
        if n == k or (ci is not None and n > k):
            self.assign(group, vals)
            return
        if n < k and group.min_values <= n:
            extra = [self.evaluate(group.items[i]) for i in range(n, k)]
            self.assign(group, vals.with_defaults(extra))
            return
        if n == 1 and not destructured and vals.kind != "nested":
            item = vals.get(0)
            if not _is_r_list(item):
                if has_method(item):
                    self.match(group, _destructured(item), top, destructured=True)
                    return
                if vals.kind == "scalar":
                    self.count_error(
                        group,
                        vals,
                        f"the value is {_describe(item)}, which destructure() cannot split "
                        f"(it has no method for {type(item).__name__}; register one with "
                        "@destructure.register)",
                    )
        self.count_error(group, vals)

    def assign(self, group: Group, vals: _Values) -> None:
        items = group.items
        k = len(items)
        ci = group.collector_index
        n = vals.n
        if ci is None:
            for i, item in enumerate(items):
                self.bind(item, vals.get(i))
            return
        after = k - 1 - ci
        for i in range(ci):
            self.bind(items[i], vals.get(i))
        if ci >= vals.n_real:
            collected = vals.get(ci)  # the collector's own default, as is
        else:
            collected = vals.collect(ci, n - after)
        self.bind(items[ci], collected)
        for j in range(after):
            self.bind(items[ci + 1 + j], vals.get(n - after + j))

    def bind(self, item: Any, value: Any) -> None:
        if isinstance(item, Name):
            self.out.append((item.name, value))
        elif isinstance(item, Collector):
            if item.name is not None:
                self.out.append((item.name, value))
        elif isinstance(item, Group):
            self.nested(item, value)
        # Skip: nothing

    def nested(self, group: Group, value: Any) -> None:
        if _is_r_list(value):
            self.match(group, _list_values(value), top=False)
            return
        # zeallot unpacks nested values only from lists; defaults may still complete a
        # single value (``c(x, c(b, d = 2)) %<-% list(1, 5)``)
        r_length = (
            value.shape[0]
            if isinstance(value, np.ndarray) and value.ndim
            else len(value)
            if _is_pandas_series(value)
            else 1
        )
        if r_length == 1 and len(group.items) > 1 and group.min_values <= 1:
            self.match(group, _Values(value, "nested", [value], 1, ""), top=False)
            return
        self.count_error(
            group,
            _Values(value, "nested", None, r_length, ""),
            f"its value is {_describe(value)}, not a list; nested values are unpacked only "
            "from lists (list, tuple, NamedList or dict), as in zeallot",
        )

    def evaluate(self, item: Any) -> Any:
        default: Default = item.default
        name = getattr(item, "name", None) or "."
        return evaluate_default(default.tree, default.text, name, self.lookup)
