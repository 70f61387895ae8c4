"""The house rules of kerasr's layout (DESIGN.md, "Repository layout"), checked on the source.

- no import circles among kerasr's modules (imports inside functions count too: a circle
  hidden in a function body is still a circle);
- foundation modules never import upward;
- only the Keras door (``kerasr/_keras.py``) imports ``keras`` or ``tensorflow``, and
  ``data_loaders`` never does;
- private names (``_x``) are not imported from another module.

The graph is read with ``ast``, so the test imports nothing and runs in a second.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "kerasr"

#: The foundation: modules every other module may use, which use only each other.
FOUNDATION = {
    "kerasr._keras", "kerasr.errors", "kerasr.options", "kerasr.arguments",
    "kerasr.named_list", "kerasr.pipe", "kerasr.display", "kerasr.generics",
    "kerasr.rbase", "kerasr.rbase.syntax", "kerasr.rbase.format", "kerasr.rbase.stats",
    "kerasr.atomic", "kerasr._version",
}
#: The only modules that may import Keras or a backend.
KERAS_DOOR = {"kerasr._keras"}
BACKEND_MODULES = {"keras", "tensorflow", "tf_keras", "jax", "torch"}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def kerasr_modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))
            if "labs" not in p.relative_to(ROOT).parts}


def resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    base = module.split(".")
    base = base if is_package else base[:-1]
    if node.level > 1:
        base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imports_of(module: str, path: Path, known: set[str]) -> list[tuple[str, list[str], int]]:
    """(imported module, imported names, line) for every import in the file, nested too."""
    tree = ast.parse(path.read_text(), filename=str(path))
    typing_only = {id(n) for block in ast.walk(tree) if _is_type_checking(block)
                   for n in ast.walk(block)}
    out = []
    for node in ast.walk(tree):
        if id(node) in typing_only:  # `if TYPE_CHECKING:` imports never run
            continue
        if isinstance(node, ast.Import):
            out += [(alias.name, [], node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            target = resolve(module, path.name == "__init__.py", node)
            names = [alias.name for alias in node.names]
            # `from . import x` imports the submodule x when it is one
            subs = [f"{target}.{n}" for n in names if f"{target}.{n}" in known]
            if subs:
                out += [(s, [], node.lineno) for s in subs]
                rest = [n for n in names if f"{target}.{n}" not in known]
                if rest:
                    out.append((target, rest, node.lineno))
            else:
                out.append((target, names, node.lineno))
    return out


def _is_type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and (
        (isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING")
        or (isinstance(node.test, ast.Attribute) and node.test.attr == "TYPE_CHECKING")
    )


def graph() -> dict[str, set[str]]:
    modules = kerasr_modules()
    known = set(modules)
    edges: dict[str, set[str]] = {m: set() for m in modules}
    for module, path in modules.items():
        for target, _names, _line in imports_of(module, path, known):
            if target in known and target != module and target != "kerasr":
                edges[module].add(target)
    return edges


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_find_cycle_finds_a_hidden_circle() -> None:
    """The checker itself: a circle through a function-body import is found."""
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_circles() -> None:
    cycle = find_cycle(graph())
    assert cycle is None, "import circle: " + " -> ".join(cycle or [])


def test_foundation_never_imports_upward() -> None:
    bad = [f"{m} imports {t}" for m, targets in graph().items() if m in FOUNDATION
           for t in targets if t not in FOUNDATION]
    assert not bad, bad


@pytest.mark.parametrize("root", ["kerasr", "data_loaders"])
def test_only_the_keras_door_imports_keras(root: str) -> None:
    modules = kerasr_modules() if root == "kerasr" else {
        module_name(p): p for p in sorted((ROOT / root).rglob("*.py"))
    }
    known = set(modules)
    bad = []
    for module, path in modules.items():
        if module in KERAS_DOOR:
            continue
        for target, _names, line in imports_of(module, path, known):
            if target.split(".")[0] in BACKEND_MODULES:
                bad.append(f"{path.relative_to(ROOT)}:{line} imports {target}")
    assert not bad, "only kerasr/_keras.py may import Keras: " + "; ".join(bad)


def test_private_names_stay_in_their_module() -> None:
    modules = kerasr_modules()
    known = set(modules)
    bad = []
    for module, path in modules.items():
        for target, names, line in imports_of(module, path, known):
            if not target.startswith("kerasr"):
                continue
            for name in names:
                if name.startswith("_") and not name.startswith("__") and name != "_keras":
                    bad.append(f"{path.relative_to(ROOT)}:{line} imports {target}.{name}")
    assert not bad, bad


def test_every_package_folder_is_a_regular_package() -> None:
    """A folder without ``__init__.py`` is a namespace package: it imports, but installs,
    the docs (mkdocstrings) and ``pyproject.toml``'s package list can miss it."""
    missing = [str(d.relative_to(ROOT)) for d in sorted(PACKAGE.rglob("*"))
               if d.is_dir() and "__pycache__" not in d.parts and any(d.glob("*.py"))
               and not (d / "__init__.py").exists()]
    assert not missing, missing


def test_data_loaders_is_imported_inside_kerasr_only() -> None:
    """``data_loaders`` installs as ``kerasr.data_loaders``; the top-level name would load a
    second copy of its modules (two ``DataError`` classes) and does not exist when installed."""
    roots = ["kerasr", "tests", "labs", "benchmarks", "tools"]
    bad = []
    for root in roots:
        for path in sorted((ROOT / root).rglob("*.py")):
            tree = ast.parse(path.read_text(), filename=str(path))
            for node in ast.walk(tree):
                names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                         else [node.module or ""] if isinstance(node, ast.ImportFrom)
                         and node.level == 0 else [])
                if any(n == "data_loaders" or n.startswith("data_loaders.") for n in names):
                    bad.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not bad, "import kerasr.data_loaders instead: " + ", ".join(bad)


def test_every_package_is_installed() -> None:
    """A non-editable install (``pip install .``, the README's lab command) ships only the
    packages pyproject.toml lists: a new subpackage missing there imports in the checkout
    and fails for every user."""
    tomllib = pytest.importorskip("tomllib", reason="Python 3.11+ reads TOML (tomllib)")
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {".".join(init.parent.relative_to(ROOT).parts)
             for init in (ROOT / "kerasr").rglob("__init__.py")
             if "__pycache__" not in init.parts}
    missing = sorted(found - listed)
    assert not missing, f"add {missing} to [tool.setuptools] packages in pyproject.toml"
