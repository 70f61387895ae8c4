"""Session helpers shared by the runs functions: R's ``interactive()`` and confirmation prompts."""

from __future__ import annotations

import sys

__all__: list[str] = []


def interactive() -> bool:
    """True in an interactive Python console or a notebook (R's ``interactive()``)."""
    return bool(hasattr(sys, "ps1") or sys.flags.interactive or "ipykernel" in sys.modules)


def in_notebook() -> bool:
    """True inside a Jupyter kernel."""
    return "ipykernel" in sys.modules


def confirmed(prompt: str) -> bool:
    """Ask ``prompt`` (``[Y/n]``); an empty answer or ``y`` proceeds, as tfruns."""
    answer = input(prompt).strip().lower()
    return answer in ("", "y", "yes")
