"""Write kerasr/__init__.py: explicit re-exports of every public module's __all__.

    python tools/write_init.py           # rewrite
    python tools/write_init.py --check   # exit 1 if stale
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

def _family_table():
    """kerasr/families/spec.py, loaded on its own (it imports only the standard library)."""
    import importlib.util

    path = ROOT / "kerasr" / "families" / "spec.py"
    spec = importlib.util.spec_from_file_location("_kerasr_family_spec", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


#: the generated families' modules, from the family table
FAMILY_MODULES = [m for family in _family_table().FAMILIES.values() for m in family.modules]

#: modules re-exported by `from kerasr import *`, in order
MODULES = [
    "errors", "named_list", "options", "pipe", "models", "training", "persistence", "arrays",
    "backend", "preprocessing.sequence", *FAMILY_MODULES, "families.legacy_layers", "history",
    "generics", "rbase.format", "display", "zeallot", "distribute",
    "datasets",
    "preprocessing.text", "preprocessing.image", "preprocessing.image_imagenet",
    "preprocessing.image_generators", "runs", "translate", "ops", "downloads",
]
SKIP = {"Target", "MODEL", "pipe_apply", "resolve_verbose", "KNOWN_OPTIONS", "closest",
        "did_you_mean", "unknown_argument", "PngFrame", "activate_inline_display", "new_figure",
        "new_bare_figure", "register_step"}


def exports(module: str) -> list[str]:
    path = ROOT / "kerasr" / (module.replace(".", "/") + ".py")
    if not path.exists():
        path = ROOT / "kerasr" / module.replace(".", "/") / "__init__.py"
    if not path.exists():
        return []
    tree = ast.parse(path.read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        ):
            return [n for n in ast.literal_eval(node.value) if n not in SKIP]
    return []


def render() -> str:
    lines = ['"""kerasr: the R keras workshop API in Python, over real Keras 3.',
             "", "This module only re-exports (written by tools/write_init.py; do not edit).",
             "``import kerasr`` does not import Keras: it is imported on first use.", '"""', "",
             "# ruff: noqa: F401, I001", ""]
    everything: list[str] = []
    for module in MODULES:
        names = exports(module)
        if not names:
            continue
        lines.append(f"from .{module} import (")
        lines += [f"    {n}," for n in names]
        lines.append(")")
        everything += names
    lines += ["", "from ._version import __version__", "", "__all__ = ["]
    lines += [f'    "{n}",' for n in sorted(set(everything))]
    lines += ["]", ""]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    path = ROOT / "kerasr" / "__init__.py"
    text = render()
    if args.check:
        if path.read_text() != text:
            print("stale: kerasr/__init__.py")
            return 1
        return 0
    path.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
