"""What a translation did: statements and lines translated, TODOs by reason."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

__all__: list[str] = []


@dataclass
class Report:
    """Counts of one translation (one file, or several added together).

    R: (none; R has no translator)
    Python: ``report = Report(); translate_r(code, report=report); print(report.summary())``
    """

    statements: int = 0
    statements_todo: int = 0
    lines: int = 0
    lines_todo: int = 0
    reasons: Counter[str] = field(default_factory=Counter)  # statements per TODO reason
    reason_lines: Counter[str] = field(default_factory=Counter)  # R lines per TODO reason
    notes: list[str] = field(default_factory=list)
    r_packages: list[str] = field(default_factory=list)  # library() calls with no import
    _seen: set[tuple[int, int]] = field(default_factory=set, repr=False)

    def add_statement(self, node: Any, todo_keys: list[str], chunk: int = 0) -> None:
        """Count one R statement; its lines are those no nested statement has counted."""
        own = 0 if node.type == "braced_expression" else 1
        self.statements += own
        rows = {(chunk, r) for r in range(node.start_point[0], node.end_point[0] + 1)}
        rows -= self._seen
        self._seen |= rows
        self.lines += len(rows)
        if todo_keys:
            self.statements_todo += own
            self.lines_todo += len(rows)
            for key in dict.fromkeys(todo_keys):
                self.reasons[key] += 1
                self.reason_lines[key] += len(rows)

    def add(self, other: Report) -> None:
        """Add another report's counts to this one."""
        self.statements += other.statements
        self.statements_todo += other.statements_todo
        self.lines += other.lines
        self.lines_todo += other.lines_todo
        self.reasons.update(other.reasons)
        self.reason_lines.update(other.reason_lines)
        self.notes.extend(n for n in other.notes if n not in self.notes)
        self.r_packages.extend(p for p in other.r_packages if p not in self.r_packages)

    @property
    def translated_share(self) -> float:
        """The share of R statements translated without a TODO (1.0 when there are none)."""
        if not self.statements:
            return 1.0
        return 1 - self.statements_todo / self.statements

    def summary(self, name: str = "") -> str:
        """The report as text (what ``kerasr translate`` prints on stderr)."""
        head = f"kerasr translate{': ' + name if name else ''}: "
        out = [
            head + f"{self.statements} R statements ({self.lines} lines): "
            f"{self.statements - self.statements_todo} translated without a TODO "
            f"({100 * self.translated_share:.1f}%), {self.statements_todo} marked TODO "
            f"({self.lines_todo} lines)"
        ]
        if self.reasons:
            out.append("  TODOs by reason (statements, R lines):")
        for reason, count in sorted(self.reasons.items(), key=lambda kv: (-kv[1], kv[0])):
            out.append(f"  {count:5d} {self.reason_lines[reason]:5d}  {reason}")
        if self.r_packages:
            out.append("  note: R packages with no Python import (calls into them are marked): "
                       + ", ".join(sorted(self.r_packages)))
        out.extend(f"  note: {note}" for note in self.notes)
        return "\n".join(out)

