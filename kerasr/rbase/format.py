"""R's number printing: ``format(x, digits = 4)`` and ``prettyNum()``, as R's format.c does it."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from decimal import ROUND_HALF_EVEN, Decimal, localcontext

__all__ = ["format_r_number", "pretty_num"]


# R's KP_MAX in format.c (largest power of ten handled by its fast path).
_KP_MAX = 22


# --------------------------------------------------------------------------------------
# R's number formatting: format(x, digits = 4, scientific = FALSE) and prettyNum()
# --------------------------------------------------------------------------------------
def _r_scientific(r: float, digits: int) -> tuple[int, int, bool]:
    """R's ``scientific()`` (src/main/format.c) for a finite ``r > 0``.

    Returns ``(kpower, nsig, roundingwidens)``: the decimal exponent of ``r`` rounded to
    ``digits`` significant digits, how many of those digits are significant once trailing
    zeros are dropped, and whether fixed notation needs one digit fewer on the left.
    """
    kp = math.floor(math.log10(r)) - digits + 1
    with localcontext() as ctx:
        ctx.prec = 1000  # exact: a double has at most ~770 significant decimal digits
        r_prec = Decimal(r).scaleb(-kp)
        if r_prec < Decimal(10) ** (digits - 1):
            r_prec *= 10
            kp -= 1
        alpha = int(r_prec.to_integral_value(rounding=ROUND_HALF_EVEN))
    nsig = digits
    for _ in range(digits):
        if alpha % 10 == 0:
            alpha //= 10
            nsig -= 1
        else:
            break
    if nsig == 0 and digits > 0:
        nsig = 1
        kp += 1
    kpower = kp + digits - 1
    rgt = min(max(digits - kpower, 0), _KP_MAX)
    fuzz = 0.5 / 10**rgt
    roundingwidens = 0 < kpower <= _KP_MAX and r < 10**kpower - fuzz
    return kpower, nsig, roundingwidens


def format_r_number(x: float, digits: int = 4, scientific: bool = False) -> str:
    """Format one number as R's ``format(x, digits = digits, scientific = FALSE)`` does.

    At most ``digits`` significant digits, trailing zeros dropped, fixed notation (R only
    switches to scientific notation when fixed would be over 100 characters wider).
    Non-finite values print as R prints them: ``NaN``, ``Inf``, ``-Inf``.

    R: ``format(0.000012345, digits = 4, scientific = FALSE)``  # "0.00001234"
    Python: ``format_r_number(0.000012345)``  # '0.00001234'
    """
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Inf" if x > 0 else "-Inf"
    digits = max(1, min(int(digits), 22))
    neg = 1 if x < 0 else 0
    if x == 0:
        x = 0.0  # R prints -0 as 0
        kpower, nsig, widens = 0, 1, False
    else:
        kpower, nsig, widens = _r_scientific(abs(x), digits)
    left = kpower + 1
    if widens:
        left -= 1
    sleft = neg + (1 if left <= 0 else left)
    rgt = max(nsig - left, 0)
    mxsl = 1 + neg if left < 0 else sleft
    width_fixed = neg + mxsl + rgt + (rgt != 0)
    exp_digits = 2 if (left > 100 or left <= -99) else 1
    d = nsig - 1
    width_sci = neg + (d > 0) + d + 4 + exp_digits
    scipen = -100 if scientific else 100
    if width_fixed <= width_sci + scipen:
        return f"{x:.{rgt}f}"
    return f"{x:.{d}e}"


_BIG_MARK_RE = re.compile(r"([0-9]{3})\B")


def pretty_num(
    values: Iterable[float], digits: int = 4, big_mark: str = ",", scientific: bool = False
) -> list[str]:

    """R's ``prettyNum(values, big.mark = ",", digits = 4, scientific = FALSE)`` on a list.

    Each value is formatted on its own (R ``sapply``-s ``format()`` over a list), then
    ``big_mark`` groups the digits before the decimal point in threes; when a mark widened
    any string, all strings are right-justified to a common width (R's
    ``preserve.width = "common"``).

    R: ``prettyNum(list(1234.5678, 0.9989), big.mark = ",", digits = 4, scientific = FALSE)``
    Python: ``pretty_num([1234.5678, 0.9989])``  # ['1,235', '0.9989']
    """
    plain = [format_r_number(v, digits=digits, scientific=scientific) for v in values]
    if not big_mark:
        return plain
    marked = []
    for s in plain:
        before, dot, after = s.partition(".")
        if re.search("[0-9]{4,}", before):
            before = _BIG_MARK_RE.sub(r"\1" + big_mark[::-1], before[::-1])[::-1]
        marked.append(before + dot + after)
    if any(len(m) > len(p) for m, p in zip(marked, plain)):
        width = max(len(m) for m in marked)
        marked = [m.rjust(width) for m in marked]
    return marked
