"""R's named list: values reachable by name and by position, that unpack like R's ``%<-%``.

R returns named lists everywhere (``mnist$train$x``, ``evaluate()``'s ``$loss``). kerasr
uses one type for them. Iteration goes over the *values*, so Python's own unpacking does
what zeallot does in the common case::

    # R:      c(c(x_train, y_train), c(x_test, y_test)) %<-% dataset_mnist()
    # Python: (x_train, y_train), (x_test, y_test) = dataset_mnist()
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import numpy as np

from .errors import InvalidValueError, did_you_mean

__all__ = ["NamedList", "named_list"]


class NamedList:
    """An ordered list whose elements may carry names, like an R ``list(a = 1, b = 2)``.

    Elements are reached by name (``nl.loss``, ``nl["loss"]``) or by 0-based position
    (``nl[0]``); ``names()`` lists the names; iterating yields values; ``dict(nl)`` and
    ``nl.to_dict()`` give a plain dict.

    R: ``res <- list(loss = 0.3, mae = 0.4); res$loss``
    Python: ``res = NamedList(loss=0.3, mae=0.4); res.loss``
    """

    __slots__ = ("_names", "_values")

    def __init__(
        self,
        items: Mapping[str, Any] | Iterable[tuple[str | None, Any]] | None = None,
        /,
        **named: Any,
    ) -> None:
        names: list[str | None] = []
        values: list[Any] = []
        if items is not None:
            pairs = items.items() if isinstance(items, Mapping) else items
            for name, value in pairs:
                names.append(name)
                values.append(value)
        for name, value in named.items():
            names.append(name)
            values.append(value)
        object.__setattr__(self, "_names", names)
        object.__setattr__(self, "_values", values)

    # -- access -------------------------------------------------------------------
    def names(self) -> list[str | None]:
        """The element names in order (``None`` for unnamed elements), like R's ``names()``."""
        return list(self._names)

    def keys(self) -> list[str]:
        """The names of the named elements (lets ``dict(nl)`` and ``**nl`` work)."""
        return [n for n in self._names if n is not None]

    def values(self) -> list[Any]:
        """The values in order."""
        return list(self._values)

    def items(self) -> list[tuple[str | None, Any]]:
        """``(name, value)`` pairs in order."""
        return list(zip(self._names, self._values))

    def to_dict(self) -> dict[str, Any]:
        """A plain dict of the named elements (nested named lists are converted too)."""
        return {
            n: (v.to_dict() if isinstance(v, NamedList) else v)
            for n, v in self.items()
            if n is not None
        }

    def _index_of(self, name: str) -> int:
        try:
            return self._names.index(name)
        except ValueError:
            valid = [n for n in self._names if n is not None]
            raise KeyError(
                f"NamedList: no element named `{name}`{did_you_mean(name, valid)}"
                f" (names: {', '.join(map(str, valid)) or 'none'})"
            ) from None

    def __getitem__(self, key: str | int | slice) -> Any:
        if isinstance(key, str):
            return self._values[self._index_of(key)]
        if isinstance(key, slice):
            return NamedList(list(zip(self._names[key], self._values[key])))
        if isinstance(key, (int, np.integer)):
            return self._values[int(key)]
        raise InvalidValueError(
            f"NamedList: index must be a name (str) or a 0-based position (int), "
            f"not {type(key).__name__}"
        )

    def __setitem__(self, key: str | int, value: Any) -> None:
        if isinstance(key, str):
            if key in self._names:
                self._values[self._names.index(key)] = value
            else:
                self._names.append(key)
                self._values.append(value)
        else:
            self._values[int(key)] = value

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        try:
            return self._values[self._names.index(name)]
        except ValueError:
            valid = [n for n in self._names if n is not None]
            raise AttributeError(
                f"NamedList has no element `{name}`{did_you_mean(name, valid)}"
                f" (names: {', '.join(map(str, valid)) or 'none'})"
            ) from None

    def __setattr__(self, name: str, value: Any) -> None:
        self[name] = value

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | {n for n in self._names if n and n.isidentifier()})

    # -- sequence protocol --------------------------------------------------------
    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, NamedList):
            return NotImplemented
        if self._names != other._names or len(self) != len(other):
            return False
        return all(_equal(a, b) for a, b in zip(self._values, other._values))

    __hash__ = None  # type: ignore[assignment]

    def __getstate__(self) -> tuple[list[str | None], list[Any]]:
        return (self._names, self._values)

    def __setstate__(self, state: tuple[list[str | None], list[Any]]) -> None:
        object.__setattr__(self, "_names", list(state[0]))
        object.__setattr__(self, "_values", list(state[1]))

    # -- display ------------------------------------------------------------------
    def __repr__(self) -> str:
        return "\n".join(_str_lines(self, indent=0))

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text("NamedList(...)" if cycle else repr(self))


def named_list(*args: Any, **kwargs: Any) -> NamedList:
    """Build a named list like R's ``list()``: positional values are unnamed, keywords named.

    R: ``list(x = x_train, y = y_train)``
    Python: ``named_list(x=x_train, y=y_train)``
    """
    return NamedList([(None, a) for a in args] + list(kwargs.items()))


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return bool(np.array_equal(a, b))
    return bool(a == b)


def _describe(value: Any) -> str:
    """One ``str()``-like line describing a value."""
    if isinstance(value, np.ndarray):
        dims = ", ".join(str(d) for d in value.shape)
        head = " ".join(_short(v) for v in value.reshape(-1)[:5])
        more = " ..." if value.size > 5 else ""
        return f"{value.dtype} [{dims}] {head}{more}".rstrip()
    if isinstance(value, (bool, np.bool_)):
        return f"bool {value}"
    if isinstance(value, (int, np.integer)):
        return f"int {value}"
    if isinstance(value, (float, np.floating)):
        return f"float {_short(value)}"
    if isinstance(value, str):
        return f'str "{value}"'
    if isinstance(value, (list, tuple)):
        head = " ".join(_short(v) for v in value[:5])
        return f"{type(value).__name__} of {len(value)}: {head}{' ...' if len(value) > 5 else ''}"
    shape = getattr(value, "shape", None)
    if shape is not None:
        return f"{type(value).__name__} {tuple(shape)}"
    return f"<{type(value).__name__}>"


def _short(v: Any) -> str:
    if isinstance(v, (float, np.floating)):
        return f"{float(v):.4g}"
    return str(v)


def _str_lines(nl: NamedList, indent: int) -> list[str]:
    lines = [f"{'  ' * indent}List of {len(nl)}"] if indent == 0 else []
    width = max((len(n or "") for n in nl._names), default=0)
    prefix = " " + " .." * indent + "$ "
    for name, value in nl.items():
        label = (name or "").ljust(width)
        if isinstance(value, NamedList):
            lines.append(f"{prefix}{label}:List of {len(value)}")
            lines.extend(_str_lines(value, indent + 1))
        else:
            lines.append(f"{prefix}{label}: {_describe(value)}")
    return lines
