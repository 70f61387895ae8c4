"""R's global options for keras, with a Python home: ``set_option`` / ``get_option``.

R: ``options(keras.view_metrics = FALSE); getOption("keras.fit_verbose", "auto")``
Python: ``set_option("keras.view_metrics", False); get_option("keras.fit_verbose")``
"""

from __future__ import annotations

from typing import Any

from .errors import InvalidValueError, did_you_mean

__all__ = ["get_option", "set_option", "KNOWN_OPTIONS"]

#: The options kerasr reads, with their defaults (the R package's defaults).
KNOWN_OPTIONS: dict[str, Any] = {
    "keras.fit_verbose": "auto",
    "keras.view_metrics": "auto",
    "keras.plot.history.smooth": True,
    "keras.plot.history.theme_bw": False,
    # print(model) shows the summary, as R's print.keras.engine.training.Model does
    "keras.print_summary": True,
}

_values: dict[str, Any] = {}


def get_option(name: str, default: Any = None) -> Any:
    """Return an option's value, like R's ``getOption(name, default)``.

    R: ``getOption("keras.fit_verbose", default = "auto")``
    Python: ``get_option("keras.fit_verbose")``
    """
    if name in _values:
        return _values[name]
    if default is not None:
        return default
    return KNOWN_OPTIONS.get(name)


def set_option(name: str, value: Any) -> Any:
    """Set an option and return its previous value, like R's ``options(name = value)``.

    Setting ``None`` restores the default.

    R: ``options(keras.view_metrics = FALSE)``
    Python: ``set_option("keras.view_metrics", False)``
    """
    if not isinstance(name, str) or not name:
        raise InvalidValueError(
            f"set_option(): `name` must be an option name such as 'keras.fit_verbose', got {name!r}"
        )
    if name not in KNOWN_OPTIONS and not name.startswith("kerasr."):
        raise InvalidValueError(
            f"set_option(): unknown option `{name}`{did_you_mean(name, KNOWN_OPTIONS)}"
            f" (known: {', '.join(KNOWN_OPTIONS)})"
        )
    old = get_option(name)
    if value is None:
        _values.pop(name, None)
    else:
        _values[name] = value
    return old
