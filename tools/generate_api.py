"""Generate kerasr's R-named families from Keras's own classes.

Reads the family table (``kerasr/families/spec.py``) and writes one module per family
(the ``kind="ops"`` families through ``tools/generate_ops.py``)
(``kerasr/generated/optimizers.py``, ...; the layers one module per R topic,
``kerasr/generated/layers_core.py``, ...): one function per public Keras class, with an
explicit signature (Keras's arguments and defaults, R's exceptions from the table) and a
docstring, so help(), IDEs and the API docs see real parameters.

    python tools/generate_api.py           # rewrite the modules
    python tools/generate_api.py --check   # exit 1 if regenerating would change them
"""

from __future__ import annotations

import argparse
import ast
import inspect
import os
import sys
from pathlib import Path
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kerasr.families import spec  # noqa: E402

OUT = ROOT / "kerasr" / "generated"


def keras_classes(family: str) -> list[tuple[str, type]]:
    """Public classes of a Keras family, one entry per class (aliases removed)."""
    import keras

    module = getattr(keras, family)
    if spec.FAMILIES[family].kind == "function":
        return [(n, getattr(module, n)) for n in sorted(dir(module))
                if n[0].isupper() and inspect.isfunction(getattr(module, n))]
    base = getattr(module, spec.FAMILIES[family].base_class)
    seen: dict[type, str] = {}
    for name in sorted(dir(module)):
        obj = getattr(module, name)
        if not (isinstance(obj, type) and issubclass(obj, base)) or not name[0].isupper():
            continue
        current = seen.get(obj)
        preferred = obj.__name__ if obj.__name__ == name else name
        if current is None or (name == obj.__name__) or (
            current != obj.__name__ and len(name) < len(current)
        ):
            seen[obj] = preferred
    return sorted(((name, cls) for cls, name in seen.items()), key=lambda item: item[0])


def literal(value: Any) -> str | None:
    text = repr(value)
    try:
        ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return None
    return text


def first_line(cls: type) -> str:
    doc = inspect.getdoc(cls) or f"Keras {cls.__name__}."
    line = doc.strip().splitlines()[0].strip().replace("\\", "\\\\").replace('"""', "'''")
    return line if line.endswith(".") else line + "."


def parameters(family: str, name: str, cls: type) -> list[tuple[str, str]]:
    """(argument, default source) pairs of the generated signature, target excluded."""
    table = spec.FAMILIES[family]
    is_function = table.kind == "function"
    signature = inspect.signature(cls if is_function else cls.__init__)
    defaults = table.defaults.get(name, {})
    renames = {v: k for k, v in table.arg_names.get(name, {}).items()}
    out: list[tuple[str, str]] = []
    for param in list(signature.parameters.values())[0 if is_function else 1:]:
        if param.kind in (param.VAR_KEYWORD, param.VAR_POSITIONAL):
            continue
        arg = renames.get(param.name, param.name)
        if param.name in defaults:
            default = repr(defaults[param.name])
        elif param.default is inspect.Parameter.empty:
            default = "REQUIRED"
        else:
            default = literal(param.default) or "KERAS_DEFAULT"
        out.append((arg, default))
    names = {a for a, _ in out}
    extras = list(table.extra_args.get(name, [])) + list(table.common_args)
    for extra in extras:
        if extra not in names:
            out.append((extra, "None"))
            names.add(extra)
    return out


def render_signature(target: str | None, params: list[tuple[str, str]]) -> str:
    parts = [f"{target}: Any = None"] if target else []
    parts += [f"{arg}: Any = {default}" for arg, default in params]
    if not parts:
        return "() -> Any"
    body = ",\n    ".join(parts)
    return f"(\n    {body},\n) -> Any"


def example(family: str, r_fn: str, params: list[tuple[str, str]]) -> tuple[str, str]:
    required = [a for a, d in params if d == "REQUIRED"]
    r_args = ", ".join(f"{a} = ..." for a in required)
    py_args = ", ".join(f"{a}=..." for a in required)
    usage = spec.FAMILIES[family].usage
    if usage == "pipe":
        return f"model %>% {r_fn}({r_args})", f"model >> {r_fn}({py_args})"
    if ":" in usage:
        verb, arg = usage.split(":")
        return f"{verb}({arg} = {r_fn}({r_args}))", f"{verb}({arg}={r_fn}({py_args}))"
    return f"{r_fn}({r_args})", f"{r_fn}({py_args})"


def function_source(family: str, name: str, cls: type) -> tuple[str, str]:
    r_fn = spec.r_name(family, name)
    params = parameters(family, name, cls)
    module_name = family
    adapter = spec.FAMILIES[family].adapter
    target = None
    decorator = f'@factory("{family}")'
    if family == "layers":
        merge = name in spec.MERGE_LAYERS
        target = "inputs" if merge else "object"
        decorator = f"@layer_function({'MERGE_TARGET' if merge else 'LAYER_TARGET'})"
        call = f'{adapter}("{name}", "{r_fn}", locals())'
    elif family in ("losses", "metrics"):
        params = [("y_true", "None"), ("y_pred", "None")] + params
        import keras

        fn_name = spec.snake_case(name)
        has_fn = callable(getattr(getattr(keras, family), fn_name, None)) and not isinstance(
            getattr(getattr(keras, family), fn_name, None), type
        )
        fn_arg = f'"{fn_name}"' if has_fn else "None"
        call = f'{adapter}("{name}", {fn_arg}, "{r_fn}", locals())'
    elif adapter == "create_object":
        call = f'{adapter}("{family}", "{name}", "{r_fn}", locals())'
    else:
        call = f'{adapter}("{name}", "{r_fn}", locals())'
    r_example, py_example = example(family, r_fn, params)
    doc = (
        f'    """{first_line(cls)}\n\n'
        f"    Wraps ``keras.{module_name}.{name}``; arguments as in Keras (R spellings where\n"
        f"    R keras differs). See the Keras documentation for each argument.\n\n"
        f"    R: ``{r_example}``\n"
        f"    Python: ``{py_example}``\n"
        f'    """\n'
    )
    source = (
        f"{decorator}\n"
        f"def {r_fn}{render_signature(target, params)}:\n"
        f"{doc}"
        f"    return {call}\n"
    )
    return r_fn, source


HEADER = '''"""R-named {title} of Keras {version} (generated by tools/generate_api.py).

Regenerate with ``python tools/generate_api.py``; a test fails when this file is stale.
"""

# ruff: noqa: E501, E741
from __future__ import annotations

from typing import Any

from ..arguments import REQUIRED
{imports}'''


def module_source(family: str, classes: list[tuple[str, type]], title: str,
                  with_aliases: bool = True) -> str:
    """One generated module: a function per class (and the family's aliases)."""
    import keras

    table = spec.FAMILIES[family]
    # the imports this module uses, written sorted (the output is ruff-clean as generated)
    imports: dict[str, set[str]] = {"factories": {"KERAS_DEFAULT", "factory"}}
    imports.setdefault(table.adapter_module, set()).add(table.adapter)
    if family == "applications":
        imports[table.adapter_module].add("application_helper")
    if table.adapter == "create_layer":
        merges = {name in spec.MERGE_LAYERS for name, _ in classes} or {False}
        imports["layers"] |= {"layer_function"} | {
            "MERGE_TARGET" if merge else "LAYER_TARGET" for merge in merges}
    lines = []
    for module in sorted(imports):
        names = ", ".join(sorted(imports[module], key=lambda n: (not n.isupper(), n)))
        lines.append(f"from ..families.{module} import {names}\n")
    text = HEADER.format(title=title, version=keras.__version__, imports="".join(lines))
    text += "\n_ = (REQUIRED, KERAS_DEFAULT, factory)\n"
    names: list[str] = []
    for name, cls in classes:
        r_fn, source = function_source(family, name, cls)
        names.append(r_fn)
        text += "\n\n" + source
    for class_name, aliases in (table.aliases.items() if with_aliases else ()):
        target = spec.r_name(family, class_name)
        for alias in aliases:
            names.append(alias)
            if alias in spec.DEPRECATED_ALIASES:
                text += (
                    f"\n\n@factory(\"{family}\")\n"
                    f"def {alias}(*args: Any, **kwargs: Any) -> Any:\n"
                    f'    """Deprecated R keras name of ``{target}()`` (warns, then calls it).\n\n'
                    f"    R: ``{alias}()``\n    Python: ``{spec.DEPRECATED_ALIASES[alias]}()``\n"
                    f'    """\n'
                    f"    from ..arguments import deprecated\n\n"
                    f'    deprecated("{alias}", "{alias}()", '
                    f'"{spec.DEPRECATED_ALIASES[alias]}()")\n'
                    f"    return {target}(*args, **kwargs)\n"
                )
            else:
                text += f"\n\n{alias} = {target}\n"
    text += "\n\n__all__ = [\n" + "".join(f'    "{n}",\n' for n in sorted(names)) + "]\n"
    return text


def ops_generator() -> Any:
    """``tools/generate_ops.py``, which writes the ``kind="ops"`` families."""
    import importlib.util

    found = importlib.util.spec_from_file_location("generate_ops", ROOT / "tools" /
                                                   "generate_ops.py")
    module = importlib.util.module_from_spec(found)
    found.loader.exec_module(module)
    return module


def family_files(family: str) -> dict[Path, str]:
    """The generated modules of one family (one per R topic for the layers)."""
    table = spec.FAMILIES[family]
    classes = [(n, c) for n, c in keras_classes(family) if n not in table.not_applicable]
    if not table.by_topic:
        text = module_source(family, classes, family)
        if family == "applications":
            text = add_application_helpers(text)
        return {OUT / f"{family}.py": text}
    by_topic: dict[str, list[tuple[str, type]]] = {}
    for name, cls in classes:
        by_topic.setdefault(spec.layer_topic(cls.__module__), []).append((name, cls))
    files = {}
    for module in table.modules:
        topic = module.split(".", 1)[1][len(family) + 1:]
        members = by_topic.get(topic, [])
        files[OUT / f"{family}_{topic}.py"] = module_source(
            family, members, f"{family} ({topic.replace('_', ' ')})", with_aliases=False
        )
    return files


#: R's names of the per-application preprocessing and decoding modules (None: hand-written;
#: ``imagenet_*`` live in kerasr/preprocessing/image_imagenet.py, downloading through get_file)
APPLICATION_HELPER_MODULES = {"imagenet_utils": None}


def add_application_helpers(text: str) -> str:
    """``vgg16_preprocess_input()``, ``imagenet_decode_predictions()``, ...: one pair per
    ``keras.applications`` submodule, generated like the family's members."""
    import keras

    apps = keras.applications
    names: list[str] = []
    body = ""
    for module in sorted(n for n in dir(apps) if n[0].islower() and not n.startswith("_")):
        prefix = APPLICATION_HELPER_MODULES.get(module, module)
        if prefix is None:
            continue
        for fn_name in ("preprocess_input", "decode_predictions"):
            fn = getattr(getattr(apps, module), fn_name, None)
            if fn is None:
                continue
            r_fn = f"{prefix}_{fn_name}"
            params = []
            for p in inspect.signature(fn).parameters.values():
                default = "REQUIRED" if p.default is inspect.Parameter.empty else (
                    literal(p.default) or "KERAS_DEFAULT")
                params.append((p.name, default))
            arg0 = params[0][0]
            usage = (f"x <- {prefix}_preprocess_input(x)" if fn_name == "preprocess_input"
                     else f"{prefix}_decode_predictions(preds, top = 3)")
            py_usage = usage.replace(" <- ", " = ").replace("top = 3", "top=3")
            body += (
                f'\n\n@factory("applications")\n'
                f"def {r_fn}{render_signature(None, params)}:\n"
                f'    """{first_line(fn)}\n\n'
                f"    Wraps ``keras.applications.{module}.{fn_name}`` "
                f"(``{arg0}`` first, as in R).\n\n"
                f"    R: ``{usage}``\n"
                f"    Python: ``{py_usage}``\n"
                f'    """\n'
                f'    return application_helper("{module}", "{fn_name}", "{r_fn}", locals())\n'
            )
            names.append(r_fn)
    head, tail = text.split("\n\n__all__ = [\n")
    existing = [line.strip().strip('",') for line in tail.splitlines() if line.startswith("    ")]
    return (head + body + "\n\n__all__ = [\n"
            + "".join(f'    "{n}",\n' for n in sorted(existing + names)) + "]\n")


def generate() -> dict[Path, str]:
    files = {OUT / "__init__.py": '"""Generated R-named families (see tools/generate_api.py)."""\n'}
    for family, table in spec.FAMILIES.items():
        if table.kind != "ops":
            files.update(family_files(family))
    if any(table.kind == "ops" for table in spec.FAMILIES.values()):
        files.update(ops_generator().generated_files())  # op_* and activation_*
    return files


#: modules an earlier layout generated; removed when regenerating
RETIRED = [OUT / "layers.py"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if files would change")
    args = parser.parse_args()
    files = generate()
    stale = [p for p, text in files.items() if not p.exists() or p.read_text() != text]
    stale += [p for p in RETIRED if p.exists()]
    if args.check:
        for path in stale:
            print(f"stale: {path.relative_to(ROOT)}")
        return 1 if stale else 0
    OUT.mkdir(parents=True, exist_ok=True)
    for path in RETIRED:
        path.unlink(missing_ok=True)
    for path, text in files.items():
        path.write_text(text)
    print(f"wrote {len(files)} files ({len(stale)} changed) in {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
