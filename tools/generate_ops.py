"""Generate ``kerasr/generated/ops.py``: one ``op_*`` function per ``keras.ops`` function.

R keras3's names and argument rules (1-based axes, 1-based indices where R keras3 uses them,
integral counts) come from the table ``kerasr/ops/spec.py``; names, arguments and defaults
come from Keras itself, so every function has an explicit signature and a docstring.

    python tools/generate_ops.py           # rewrite the module
    python tools/generate_ops.py --check   # exit 1 if regenerating would change it
"""

from __future__ import annotations

import argparse
import ast
import inspect
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

OUT = ROOT / "kerasr" / "generated" / "ops.py"
INIT = ROOT / "kerasr" / "ops" / "__init__.py"
BEGIN, END = "# BEGIN op names (tools/generate_ops.py)", "# END op names"


def _load_spec() -> Any:
    """kerasr/ops/spec.py on its own (it imports nothing), so a missing ops.py is no problem."""
    import importlib.util

    found = importlib.util.spec_from_file_location("_kerasr_ops_spec", ROOT / "kerasr/ops/spec.py")
    module = importlib.util.module_from_spec(found)
    found.loader.exec_module(module)
    return module


spec = _load_spec()
r_axis_default = spec.r_axis_default


def keras_ops() -> list[tuple[str, str | None, Callable[..., Any]]]:
    """(keras name, submodule or None, function) for every public function of keras.ops."""
    import keras

    found: list[tuple[str, str | None, Callable[..., Any]]] = []
    for name in sorted(dir(keras.ops)):
        obj = getattr(keras.ops, name)
        if name.startswith("_") or not callable(obj) or isinstance(obj, type):
            continue
        if name not in spec.SKIP:
            found.append((name, None, obj))
    for sub in spec.SUBMODULES:
        module = getattr(keras.ops, sub)
        for name in sorted(dir(module)):
            obj = getattr(module, name)
            if name.startswith("_") or not callable(obj) or isinstance(obj, type):
                continue
            if hasattr(keras.ops, name) and getattr(keras.ops, name) is obj:
                continue
            found.append((name, sub, obj))
    return found


def keras_activations() -> list[tuple[str, Callable[..., Any]]]:
    """Every activation function of keras.activations (not its get/serialize helpers)."""
    import keras

    out = []
    for name in sorted(dir(keras.activations)):
        obj = getattr(keras.activations, name)
        if name.startswith("_") or not inspect.isfunction(obj) or name in spec.NOT_ACTIVATIONS:
            continue
        out.append((name, obj))
    return out


def literal(value: Any) -> str:
    text = repr(value)
    try:
        ast.literal_eval(text)
    except (ValueError, SyntaxError):
        raise SystemExit(
            f"non-literal default {text!r}: add a rule to kerasr/ops/spec.py"
        ) from None
    return text


def first_line(fn: Callable[..., Any]) -> str:
    doc = inspect.getdoc(fn) or f"Keras op {fn.__name__}."
    line = doc.strip().split("\n\n")[0].replace("\n", " ").strip()
    line = line.replace("\\", "\\\\").replace('"""', "'''")
    if len(line) > 200:
        line = line[:197].rsplit(" ", 1)[0] + "..."
    return line if line.endswith(".") else line + "."


def op_info(name: str, sub: str | None, fn: Callable[..., Any]) -> dict[str, Any]:
    """What the generated function and the tests need to know about one op."""
    params = list(inspect.signature(fn).parameters.values())
    key = name if sub is None else f"{sub}.{name}"
    names = [p.name for p in params]
    activation = sub == "activations"
    axes = [a for a in spec.axis_args(name) if a in names] if sub is None or activation else []
    counts = [a for a in spec.COUNT_OR_AXES_ARGS.get(name, ()) if a in names]
    r_fn = spec.ACTIVATION_PREFIX + name if activation else spec.r_name(name, sub)
    return {
        "key": key, "name": name, "sub": sub, "r_name": r_fn,
        "params": params, "axes": axes, "counts": counts,
    }


def rank_source(info: dict[str, Any]) -> str | None:
    name, params = info["name"], info["params"]
    if name in spec.RANK_FROM:
        source = spec.RANK_FROM[name]
        if source is None:
            expr = None
        elif source.endswith("[0]"):
            expr = f"_s.first_rank({source[:-3]})"
        else:
            expr = f"_s.rank_of({source})"
    else:
        first = params[0]
        ok = first.kind in (first.POSITIONAL_ONLY, first.POSITIONAL_OR_KEYWORD)
        expr = f"_s.rank_of({first.name})" if ok and first.name in spec.TENSOR_ARGS else None
    if expr is not None and name in spec.RANK_PLUS_ONE:
        expr = f"_s.plus({expr}, 1)"
    return expr


def render(info: dict[str, Any]) -> tuple[str, list[str]]:
    name, r_fn, params = info["name"], info["r_name"], info["params"]
    zero_indexed = (
        name in spec.ZERO_INDEXED_OUTPUT or name in spec.ZERO_INDEXED_SECOND_OUTPUT
        or name in spec.ZERO_INDEXED_INPUT
    ) and info["sub"] is None
    sig: list[str] = []
    call: list[str] = []
    body: list[str] = []
    star_done = False
    has_var = any(p.kind is p.VAR_POSITIONAL for p in params)
    for p in params:
        if p.kind is p.VAR_POSITIONAL:
            sig.append(f"*{p.name}: Any")
            call.append(f"*{p.name}")
            star_done = True
            continue
        if p.kind is p.VAR_KEYWORD:
            continue
        if p.kind is p.KEYWORD_ONLY and not star_done:
            sig.append("*")
            star_done = True
        if p.default is inspect.Parameter.empty:
            sig.append(f"{p.name}: Any")
        else:
            default = p.default
            if p.name in info["axes"]:
                default = r_axis_default(default)
            sig.append(f"{p.name}: Any = {literal(default)}")
        positional = p.kind is p.POSITIONAL_ONLY or (has_var and not star_done)
        call.append(p.name if positional else f"{p.name}={p.name}")
    if zero_indexed:
        if not star_done:
            sig.append("*")
        sig.append("zero_indexed: bool = False")
    var_kw = [p for p in params if p.kind is p.VAR_KEYWORD]
    if var_kw:
        sig.append(f"**{var_kw[0].name}: Any")
        call.append(f"**{var_kw[0].name}")
    names = {p.name for p in params}
    if info["axes"]:
        rank = rank_source(info)
        if rank is not None:
            body.append(f"_rank = {rank}")
        for a in info["axes"]:
            rank_arg = ", _rank" if rank is not None else ""
            body.append(f'{a} = _s.axis({a}, "{r_fn}", "{a}"{rank_arg})')
    for a in info["counts"]:
        body.append(f'{a} = _s.count_or_axes({a}, "{r_fn}", "{a}")')
    for a in sorted(names & spec.INT_ARGS):
        body.append(f"{a} = _s.integer({a})")
    if spec.RESHAPE_ARGS.get(name) in names and info["sub"] is None:
        a = spec.RESHAPE_ARGS[name]
        body.append(f'{a} = _s.reshape_shape({a}, "{r_fn}", "{a}")')
    for a in sorted(names & spec.DTYPE_ARGS):
        body.append(f'{a} = _s.dtype({a}, "{r_fn}", "{a}")')
    if zero_indexed and name in spec.ZERO_INDEXED_INPUT:
        a = spec.ZERO_INDEXED_INPUT[name]
        body.append(f'{a} = {a} if zero_indexed else _s.zero_based({a}, "{r_fn}", "{a}")')
    if info["sub"] == "activations":
        target = "_s.keras().activations"
    else:
        target = "_s.ops()" + (f".{info['sub']}" if info["sub"] else "")
    invocation = f"{target}.{name}({', '.join(call)})"
    if zero_indexed and name in spec.ZERO_INDEXED_OUTPUT:
        body.append(f"_out = {invocation}")
        body.append("return _out if zero_indexed else _s.one_based(_out)")
    elif zero_indexed and name in spec.ZERO_INDEXED_SECOND_OUTPUT:
        body.append(f"_values, _indices = {invocation}")
        body.append("return _values, (_indices if zero_indexed else _s.one_based(_indices))")
    else:
        body.append(f"return {invocation}")

    required = [p.name for p in params if p.default is inspect.Parameter.empty
                and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    r_args = ", ".join(required)
    notes = []
    if info["axes"]:
        shown = ", ".join(f"``{a}``" for a in info["axes"])
        notes.append(f"{shown}: 1-based, as in R (negative counts from the end; 0 is an error).")
    if zero_indexed:
        what = "takes" if name in spec.ZERO_INDEXED_INPUT else "returns"
        notes.append(f"{what.capitalize()} 1-based indices, as R keras3 {what}; "
                     "``zero_indexed=True`` for Keras's 0-based ones.")
    keras_path = "keras.ops." + (f"{info['sub']}." if info["sub"] else "") + name
    if info["sub"] == "activations":
        keras_path = f"keras.activations.{name}"
    doc = [f'"""{first_line(info["fn"])}', "",
           f"Wraps ``{keras_path}``; arguments as in Keras and R keras3."]
    doc += notes
    doc += ["", f"R: ``{r_fn}({r_args})``", f"Python: ``{r_fn}({r_args})``", '"""']
    sig_text = ",\n    ".join(sig)
    lines = [f"def {r_fn}(\n    {sig_text},\n) -> Any:" if sig else f"def {r_fn}() -> Any:"]
    lines += ["    " + d if d else "" for d in doc]
    lines += ["    " + b for b in body]
    return "\n".join(lines) + "\n", [r_fn]


HEADER = '''"""R-named ``op_*`` functions over ``keras.ops`` of Keras {version}.

Generated by ``tools/generate_ops.py`` from Keras's own signatures and the table
``kerasr/ops/spec.py``; never edit by hand (a test fails when this file is stale).
"""

# ruff: noqa: E501, E741, A002
from __future__ import annotations

from typing import Any

from ..ops import support as _s
'''


ACTIVATIONS_OUT = ROOT / "kerasr" / "generated" / "activations.py"

ACTIVATIONS_HEADER = '''"""R-named activation_* functions (keras.activations of Keras {version}).

Generated by ``tools/generate_ops.py``; never edit by hand (a test fails when it is stale).
Called with ``x`` they compute; passed uncalled (``activation=activation_relu``) they are the
layer's activation, registered with Keras under their R name so saved models load back.
"""

# ruff: noqa: E501, E741, A002
from __future__ import annotations

from typing import Any

from ..ops import support as _s
from ..ops.custom import register_custom_object
'''


def generate_activations() -> str:
    import keras

    text = ACTIVATIONS_HEADER.format(version=keras.__version__)
    infos = [op_info(n, "activations", f) | {"fn": f} for n, f in keras_activations()]
    for info in infos:
        source, _ = render(info)
        text += "\n\n" + source
    names = [i["r_name"] for i in infos]
    table = ",\n".join(f'    "{i["r_name"]}": ("{i["name"]}", {tuple(i["axes"])!r})' for i in infos)
    text += (
        "\n\n#: R name -> (keras.activations name, 1-based axis arguments).\n"
        f"ACTIVATIONS: dict[str, tuple[str, tuple[str, ...]]] = {{\n{table},\n}}\n"
        "\nfor _name in ACTIVATIONS:\n    register_custom_object(_name, globals()[_name])\n"
    )
    text += "\n__all__ = [\n" + "".join(f'    "{n}",\n' for n in sorted(names)) + "]\n"
    return text


def generate() -> str:
    import keras

    text = HEADER.format(version=keras.__version__)
    names: list[str] = []
    infos = [op_info(n, s, f) | {"fn": f} for n, s, f in keras_ops()]
    for info in infos:
        source, defined = render(info)
        names += defined
        text += "\n\n" + source
    by_keras = {i["key"]: i["r_name"] for i in infos}
    for alias, target in sorted(spec.ALIASES.items()):
        text += f"\n\n{alias} = {by_keras[target]}\n"
        names.append(alias)
    table = ",\n".join(
        f'    "{i["r_name"]}": ("{i["key"]}", {tuple(i["axes"])!r})' for i in infos
    )
    text += (
        "\n\n#: R name -> (keras.ops path, 1-based axis arguments); read by the tests and docs.\n"
        f"OPS: dict[str, tuple[str, tuple[str, ...]]] = {{\n{table},\n}}\n"
    )
    text += "\n__all__ = [\n" + "".join(f'    "{n}",\n' for n in sorted(names)) + "]\n"
    return text


#: the hand-written modules of kerasr/ops whose __all__ the package re-exports
HAND_MODULES = ("axis", "k_table", "custom", "layers", "activations")


def hand_names() -> list[str]:
    names: list[str] = []
    for module in HAND_MODULES:
        path = ROOT / "kerasr" / "ops" / f"{module}.py"
        if not path.exists():
            continue
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
            ):
                names += ast.literal_eval(node.value)
    return names


def init_source(names: list[str], activations: list[str]) -> str:
    """kerasr/ops/__init__.py with its block (op imports and the literal __all__) rewritten."""
    text = INIT.read_text()
    start, stop = text.index(BEGIN), text.index(END)
    everything = sorted(set(names) | set(activations) | set(hand_names()))
    block = (
        BEGIN + "\nfrom ..generated.ops import (\n"
        + "".join(f"    {n},\n" for n in names) + ")\nfrom ..generated.activations import (\n"
        + "".join(f"    {n},\n" for n in activations) + ")\n\n__all__ = [\n"
        + "".join(f'    "{n}",\n' for n in everything) + "]\n"
    )
    return text[:start] + block + text[stop:]


def generated_files() -> dict[Path, str]:
    text = generate()
    activations = generate_activations()

    def exported(source: str) -> list[str]:
        return ast.literal_eval(source[source.index("__all__ = [") + len("__all__ = "):].strip())

    return {OUT: text, ACTIVATIONS_OUT: activations,
            INIT: init_source(exported(text), exported(activations))}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if a file would change")
    args = parser.parse_args()
    files = generated_files()
    stale = [p for p, text in files.items() if not p.exists() or p.read_text() != text]
    if args.check:
        for path in stale:
            print(f"stale: {path.relative_to(ROOT)}")
        return 1 if stale else 0
    for path, text in files.items():
        path.write_text(text)
    print(f"wrote {len(files)} files ({len(stale)} changed)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
