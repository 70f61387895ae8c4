"""R's ``loess()`` (degree 2, span 0.75, family gaussian).

The smoother ggplot's ``geom_smooth()`` draws on history plots.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from ..errors import InvalidValueError

__all__ = ["SMOOTH_POINTS", "loess"]

#: geom_smooth's n: points on the smooth line.
SMOOTH_POINTS = 80


# --------------------------------------------------------------------------------------
# loess
# --------------------------------------------------------------------------------------
def loess(
    x: Sequence[float] | np.ndarray,
    y: Sequence[float] | np.ndarray,
    x_out: Sequence[float] | np.ndarray | None = None,
    span: float = 0.75,
    degree: int = 2,
) -> np.ndarray:
    """Local polynomial regression with R's ``loess()`` defaults, evaluated at ``x_out``.

    For each output point the ``q = floor(n * span)`` nearest observations get tricube
    weights ``(1 - (d / h)^3)^3`` (``h`` = distance to the q-th nearest; scaled by
    ``span`` when ``span > 1``) and a weighted least-squares polynomial of ``degree`` is
    fitted; its value at the point is the smooth. Non-finite pairs are dropped. Singular
    local fits fall back to the pseudo-inverse, as R's loess does. ``x_out`` defaults to
    80 equally spaced points over the range of ``x`` (``geom_smooth``'s grid).

    R: ``predict(loess(y ~ x, span = 0.75, degree = 2), newdata = data.frame(x = x_out))``
    Python: ``loess(x, y, x_out, span=0.75, degree=2)``
    """
    xa = np.asarray(x, dtype=float).ravel()
    ya = np.asarray(y, dtype=float).ravel()
    if xa.shape != ya.shape:
        raise InvalidValueError(
            f"loess(): `x` and `y` must have the same length, got {xa.size} and {ya.size}"
        )
    ok = np.isfinite(xa) & np.isfinite(ya)
    xa, ya = xa[ok], ya[ok]
    if x_out is None:
        if xa.size == 0:
            return np.empty(0)
        x_out = np.linspace(xa.min(), xa.max(), SMOOTH_POINTS)
    xo = np.asarray(x_out, dtype=float).ravel()
    n = xa.size
    if n == 0:
        return np.full(xo.shape, np.nan)
    if span <= 0:
        raise InvalidValueError(f"loess(): `span` must be positive, got {span}")
    degree = int(degree)
    if degree not in (0, 1, 2):
        raise InvalidValueError(f"loess(): `degree` must be 0, 1 or 2, got {degree}")
    q = int(math.floor(n * span))
    q = min(max(q, degree + 1, 1), n)

    dx = xa[None, :] - xo[:, None]  # (m, n)
    dist = np.abs(dx)
    h = np.partition(dist, q - 1, axis=1)[:, q - 1]
    if span > 1:
        h = h * span
    scale = max(float(np.ptp(xa)), 1.0)
    h = np.maximum(h, 1e-10 * scale)  # all x equal: avoid 0 / 0
    u = np.clip(dist / h[:, None], 0.0, 1.0)
    w = (1.0 - u**3) ** 3  # (m, n)

    # Weighted least squares in the scaled offset t = dx / h, for conditioning.
    t = dx / h[:, None]
    powers = np.stack([t**k for k in range(degree + 1)], axis=-1)  # (m, n, p)
    wx = powers * w[:, :, None]
    xtwx = np.einsum("mnp,mnq->mpq", wx, powers)
    xtwy = np.einsum("mnp,n->mp", wx, ya)
    coef = np.einsum("mpq,mq->mp", np.linalg.pinv(xtwx, rcond=1e-10), xtwy)
    return coef[:, 0]
