"""The syntax tree of a zeallot pattern: groups, names, skips, collectors, defaults."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any


# =====================================================================================
# Pattern syntax tree
# =====================================================================================
@dataclass(frozen=True)
class Default:
    text: str  # the R literal, as written
    tree: Any  # parsed by zeallot.defaults (never evaluated as Python)
    column: int


@dataclass(frozen=True)
class Name:
    name: str
    column: int
    default: Default | None = None


@dataclass(frozen=True)
class Skip:
    column: int
    default: Default | None = None


@dataclass(frozen=True)
class Collector:
    name: str | None  # None for the anonymous ``...``
    column: int
    default: Default | None = None


@dataclass(frozen=True)
class Group:
    items: tuple[Any, ...]
    column: int
    text: str  # source text, e.g. "c(a, b)"
    default: None = None

    @functools.cached_property
    def collector_index(self) -> int | None:
        for i, item in enumerate(self.items):
            if isinstance(item, Collector):
                return i
        return None

    @functools.cached_property
    def min_values(self) -> int:
        """Fewest values that fit (trailing defaults may fill the rest)."""
        need = len(self.items)
        while need > 0 and self.items[need - 1].default is not None:
            need -= 1
        return need


@dataclass(frozen=True)
class Bad:
    """A place in the pattern where a name was expected but something else was found."""

    kind: str  # "call": checked first (zeallot's calls()); "variable": second (variables())
    reason: str
    column: int
    default: None = None


@dataclass(frozen=True)
class Pattern:
    text: str
    root: Any  # Group, Name or Skip
