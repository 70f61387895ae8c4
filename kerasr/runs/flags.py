"""Training flags, as tfruns 1.4 resolves them (R/flags.R).

Later sources override earlier ones: the defaults; a YAML file (``flags.yml``, flat or with
``default:``/profile sections chosen by ``config``); the command line (``--units 128`` or
``--units=128``); and the values ``training_run(flags=)`` or ``tuning_run()`` pass to the run.
Each value is converted to its flag's declared type; undeclared names are errors.
"""

from __future__ import annotations

import ast
import json
import os
import sys
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from ..errors import ArgumentError, InvalidValueError, did_you_mean
from ..named_list import NamedList

__all__ = ["Flags", "flag_boolean", "flag_integer", "flag_numeric", "flag_string", "flags"]

#: the values a training run passes to its script (JSON object), set by training_run()
RUN_FLAGS_ENV = "KERASR_RUN_FLAGS"
#: a flags YAML file a training run passes (training_run(flags = "x.yml"))
RUN_FLAGS_FILE_ENV = "KERASR_RUN_FLAGS_FILE"
FLAG_FUNCTIONS = {"flag_integer": "integer", "flag_numeric": "numeric",
                  "flag_boolean": "boolean", "flag_string": "string"}
TRUE_STRINGS = {"true", "yes", "1", "y", "on"}
FALSE_STRINGS = {"false", "no", "0", "n", "off"}


class Flag(NamedTuple):
    """One declared flag: ``flag_integer("units", 32, "hidden units")``."""

    name: str
    type: str
    default: Any
    description: str | None


def _scalar(function: str, name: str, value: Any) -> Any:
    if isinstance(value, (list, tuple, set, dict)) or (
        hasattr(value, "__len__") and hasattr(value, "shape") and getattr(value, "size", 1) != 1
    ):
        raise InvalidValueError(
            f'{function}(): flag "{name}" has length > 1 (only scalar flag values are '
            f"supported); pass one value, or use tuning_run() to try several"
        )
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    return value


def coerce(name: str, type: str, value: Any, function: str = "flags") -> Any:
    """Convert ``value`` to the flag's declared ``type`` (tfruns's message when it cannot)."""
    value = _scalar(function, name, value)
    if value is None:
        return None

    def fail() -> InvalidValueError:
        return InvalidValueError(
            f"{function}(): Unable to convert flag '{name}' with value '{value}' to type {type}"
            f"; pass {_expected(type)}"
        )

    if type == "string":
        return "TRUE" if value is True else "FALSE" if value is False else str(value)
    if type == "boolean":
        if isinstance(value, bool):
            return value
        if isinstance(value, (int, float)) and value in (0, 1):
            return bool(value)
        text = str(value).strip().lower()
        if text in TRUE_STRINGS:
            return True
        if text in FALSE_STRINGS:
            return False
        raise fail()
    if isinstance(value, bool):
        raise fail()
    try:
        number = float(value.strip()) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise fail() from None
    if type == "numeric":
        return number
    if type == "integer":
        if isinstance(value, int):
            return value
        if number != number or number in (float("inf"), float("-inf")) or number != int(number):
            raise fail()
        return int(number)
    raise InvalidValueError(f"{function}(): unknown flag type {type!r}")


def _expected(type: str) -> str:
    return {"integer": "a whole number such as 32", "numeric": "a number such as 0.001",
            "boolean": "TRUE/FALSE (true, yes, 1 / false, no, 0)",
            "string": "a string"}[type]


def _define(function: str, type: str, name: Any, default: Any, description: Any) -> Flag:
    if not isinstance(name, str) or not name:
        raise ArgumentError(f"{function}(): `name` must be a non-empty string, got {name!r}")
    if description is not None and not isinstance(description, str):
        raise ArgumentError(
            f"{function}(): `description` must be a string or None, got {description!r}"
        )
    return Flag(name, type, coerce(name, type, default, function), description)


def flag_integer(name: str, default: Any, description: str | None = None) -> Flag:
    """Declare an integer flag for ``flags()``.

    R: ``flag_integer("units", 32, "hidden units")``
    Python: ``flag_integer("units", 32, "hidden units")``
    """
    return _define("flag_integer", "integer", name, default, description)


def flag_numeric(name: str, default: Any, description: str | None = None) -> Flag:
    """Declare a numeric (double) flag for ``flags()``.

    R: ``flag_numeric("dropout", 0.4)``
    Python: ``flag_numeric("dropout", 0.4)``
    """
    return _define("flag_numeric", "numeric", name, default, description)


def flag_boolean(name: str, default: Any, description: str | None = None) -> Flag:
    """Declare a logical flag for ``flags()``.

    R: ``flag_boolean("batch_norm", FALSE)``
    Python: ``flag_boolean("batch_norm", False)``
    """
    return _define("flag_boolean", "boolean", name, default, description)


def flag_string(name: str, default: Any, description: str | None = None) -> Flag:
    """Declare a string flag for ``flags()``.

    R: ``flag_string("activation", "relu")``
    Python: ``flag_string("activation", "relu")``
    """
    return _define("flag_string", "string", name, default, description)


class Flags(NamedList):
    """The resolved flags: ``FLAGS.units`` or ``FLAGS["units"]``, printed as tfruns prints them.

    R: ``FLAGS$units``
    Python: ``FLAGS.units`` or ``FLAGS["units"]``
    """

    __slots__ = ("_types", "_defaults", "_descriptions")

    def __init__(self, definitions: Sequence[Flag], values: Mapping[str, Any]) -> None:
        super().__init__([(d.name, values[d.name]) for d in definitions])
        object.__setattr__(self, "_types", {d.name: d.type for d in definitions})
        object.__setattr__(self, "_defaults", {d.name: d.default for d in definitions})
        object.__setattr__(self, "_descriptions", {d.name: d.description for d in definitions})

    def types(self) -> dict[str, str]:
        """Each flag's declared type (R: ``attr(FLAGS, "types")``)."""
        return dict(self._types)

    def defaults(self) -> dict[str, Any]:
        """Each flag's default (R: ``attr(FLAGS, "defaults")``)."""
        return dict(self._defaults)

    def descriptions(self) -> dict[str, str | None]:
        """Each flag's description (R: ``attr(FLAGS, "descriptions")``)."""
        return dict(self._descriptions)

    def __getstate__(self) -> Any:
        return (super().__getstate__(), self._types, self._defaults, self._descriptions)

    def __setstate__(self, state: Any) -> None:
        base, types, defaults, descriptions = state
        super().__setstate__(base)
        object.__setattr__(self, "_types", types)
        object.__setattr__(self, "_defaults", defaults)
        object.__setattr__(self, "_descriptions", descriptions)

    def __repr__(self) -> str:
        rows = [("name", "type", "value", "description")]
        for name, value in self.items():
            shown = ("TRUE" if value else "FALSE") if isinstance(value, bool) else (
                "NA" if value is None else str(value))
            rows.append((str(name), self._types[name], shown,
                         self._descriptions.get(name) or "NA"))
        widths = [max(len(r[i]) for r in rows) for i in range(4)]
        return "\n".join(" ".join(c.rjust(w) for c, w in zip(r, widths)) for r in rows)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))


def parse_scalar(text: str) -> Any:
    """A command-line value as YAML reads a scalar: booleans, integers, numbers, else the text."""
    stripped = text.strip()
    low = stripped.lower()
    if low in ("true", "yes", "on"):
        return True
    if low in ("false", "no", "off"):
        return False
    if low in ("null", "~", ""):
        return None
    for convert in (int, float):
        try:
            return convert(stripped)
        except ValueError:
            pass
    if len(stripped) >= 2 and stripped[0] == stripped[-1] and stripped[0] in "'\"":
        return stripped[1:-1]
    return stripped


def parse_arguments(arguments: Sequence[str], definitions: Sequence[Flag]) -> dict[str, Any]:
    """``--name value`` or ``--name=value`` pairs (``-`` in names becomes ``_``); ``--args``
    stops."""
    out: dict[str, Any] = {}
    i = 0
    args = list(arguments)
    while i < len(args):
        arg = args[i]
        i += 1
        if arg == "--args":
            break
        if not arg.startswith("--"):
            continue
        if arg == "--help":
            _print_help(definitions)
            sys.exit(0)
        key, eq, value = arg[2:].partition("=")
        if not eq:
            if i >= len(args):
                raise InvalidValueError(
                    f"flags(): no value given for command line flag `--{key}`; "
                    f"write `--{key} VALUE` or `--{key}=VALUE`"
                )
            value = args[i]
            i += 1
        out[key.replace("-", "_")] = parse_scalar(value)
    return out


def _print_help(definitions: Sequence[Flag]) -> None:
    print("Options:")
    width = max((len(d.name) for d in definitions), default=0) + 2
    for d in definitions:
        shown = "--" + d.name.replace("_", "-")
        print(f"  {shown.ljust(width + 2)}  {d.description or ''} ({d.default})")


def read_flags_file(path: str | os.PathLike[str], config: str, defaults: Mapping[str, Any]
                    ) -> dict[str, Any]:
    """A flat ``name: value`` YAML file, or a profile file (``default:``, ``test:``...)."""
    try:
        import yaml
    except ImportError:  # pragma: no cover - pyyaml comes with the runs extra
        raise ArgumentError(
            f"flags(): reading `{path}` needs PyYAML: pip install 'kerasr[runs]'"
        ) from None
    with open(path, encoding="utf-8") as handle:
        content = yaml.safe_load(handle) or {}
    if not isinstance(content, dict):
        raise InvalidValueError(
            f"flags(): `{path}` must hold `name: value` lines (or profile sections), "
            f"got {content.__class__.__name__}"
        )
    if content and all(isinstance(v, dict) for v in content.values()):
        merged = {**defaults, **(content.get("default") or {})}
        if config != "default":
            if config not in content:
                raise InvalidValueError(
                    f"flags(): configuration `{config}` not found in `{path}`"
                    f"{did_you_mean(config, content)} (sections: {', '.join(content)})"
                )
            merged.update(content[config] or {})
        return merged
    return dict(content)


def _run_values() -> dict[str, Any]:
    raw = os.environ.get(RUN_FLAGS_ENV)
    return dict(json.loads(raw)) if raw else {}


def check_declared(values: Mapping[str, Any], names: Sequence[str], function: str) -> None:
    """tfruns's error for flags given but not declared, with did-you-mean and the declared list."""
    unknown = [n for n in values if n not in names]
    if not unknown:
        return
    hints = "".join(
        f"\n  `{n}`{did_you_mean(n, names)}".rstrip() for n in unknown
    )
    raise ArgumentError(
        f"{function}(): The following flags were provided but not declared: "
        f"{', '.join(unknown)}{hints}\nThe script declares: "
        f"{', '.join(names) if names else '(no flags)'}"
    )


def flags(*definitions: Any, config: str | None = None, file: str | os.PathLike[str] = "flags.yml",
          arguments: Sequence[str] | None = None) -> Flags:
    """Declare the script's flags and resolve their values.

    Values come from the defaults, then ``file`` (when it exists), then the command line, then
    the values a ``training_run()``/``tuning_run()`` passes. Inside a run the flags are
    written to ``tfruns.d/flags.json``.

    R: ``FLAGS <- flags(flag_integer("units", 32), flag_numeric("dropout", 0.4))``
    Python: ``FLAGS = flags(flag_integer("units", 32), flag_numeric("dropout", 0.4))``
    """
    defs: list[Flag] = []
    for item in definitions:
        items = item if isinstance(item, (list, tuple)) and not isinstance(item, Flag) else [item]
        for d in items:
            if not isinstance(d, Flag):
                raise ArgumentError(
                    f"flags(): every argument must be a flag_integer(), flag_numeric(), "
                    f"flag_boolean() or flag_string(), got {d!r}"
                )
            if any(d.name == seen.name for seen in defs):
                raise InvalidValueError(
                    f"flags(): A flag named '{d.name}' has already been defined"
                )
            defs.append(d)
    names = [d.name for d in defs]
    types = {d.name: d.type for d in defs}
    values: dict[str, Any] = {d.name: d.default for d in defs}
    config = config if config is not None else os.environ.get("R_CONFIG_ACTIVE", "default")
    run_file = os.environ.get(RUN_FLAGS_FILE_ENV)
    path = Path(run_file) if run_file else Path(file)
    if path.exists():
        given = read_flags_file(path, config, values)
        check_declared(given, names, "flags")
        values.update(given)
    elif run_file or str(file) != "flags.yml":
        warnings.warn(f"flags(): configuration file '{path}' does not exist", stacklevel=2)
    given = parse_arguments(sys.argv[1:] if arguments is None else arguments, defs)
    given.update(_run_values())
    check_declared(given, names, "flags")
    values.update(given)
    resolved = {n: coerce(n, types[n], values[n]) for n in names}
    result = Flags(defs, resolved)
    from .run_dir import write_run_metadata

    write_run_metadata("flags", result.to_dict())
    return result


def script_flags(path: str | os.PathLike[str]) -> dict[str, str] | None:
    """The flags a script declares, name -> type, read without running it (``ast``).

    ``None`` when the script declares flags in a way that cannot be read statically (a
    computed name); then only the run itself can check the values.
    """
    try:
        tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError):
        return None
    found: dict[str, str] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        fname = func.id if isinstance(func, ast.Name) else (
            func.attr if isinstance(func, ast.Attribute) else None)
        if fname not in FLAG_FUNCTIONS:
            continue
        name_node = node.args[0] if node.args else next(
            (k.value for k in node.keywords if k.arg == "name"), None)
        if not (isinstance(name_node, ast.Constant) and isinstance(name_node.value, str)):
            return None
        found[name_node.value] = FLAG_FUNCTIONS[fname]
    return found
