"""R's order of metrics: the loss first, then the metrics in the order given to compile().

Keras 3 logs metrics in alphabetical order (``accuracy`` before ``loss``), so
``loss, acc = model >> evaluate(x, y)`` would bind the accuracy to ``loss``. Every list of
metrics kerasr produces (evaluate(), the history, its print, data frame and plot panels)
goes through :func:`r_metric_order`: training metrics (loss, then compile order), then the
same for ``val_``, then anything else (``learning_rate``) in the order Keras logged it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = ["compile_order", "r_metric_order"]


def compile_order(model: Any) -> list[str]:
    """The metric names of a compiled model: ``loss``, output losses, then compile order."""
    names: list[str] = []
    for metric in getattr(model, "metrics", None) or []:
        inner = getattr(metric, "metrics", None)
        if isinstance(inner, list) and inner and metric.name in ("compile_metrics",
                                                                 "compile_loss"):
            names += [m.name for m in inner]
        else:
            names.append(metric.name)
    return names


def r_metric_order(names: Iterable[str], model: Any = None,
                   order: list[str] | None = None) -> list[str]:
    """``names`` sorted as R keras reports them (see the module's docstring).

    R: ``names(model %>% evaluate(x, y))``  # "loss" "accuracy"
    Python: ``r_metric_order(["accuracy", "loss"], model)``  # ["loss", "accuracy"]
    """
    names = list(names)
    if order is None:
        order = compile_order(model) if model is not None else []
    rank = {name: i for i, name in enumerate(order)}
    if "loss" not in rank:
        rank = {"loss": -1, **rank}
    position = {name: i for i, name in enumerate(names)}

    def key(name: str) -> tuple[int, int, int]:
        base = name[4:] if name.startswith("val_") else name
        known = base in rank
        group = (0 if not name.startswith("val_") else 1) if known else 2
        return (group, rank.get(base, 0), position[name])

    return sorted(names, key=key)
