"""Numbers as people read them: integers and short fractions as they are, longer exact values
as a decimal with the exact value beside it (``2.4057 (exactly 1354290737015969/562949953421312)``),
and values of more than :data:`LONG` characters as a decimal with their size in digits.

Every ``explain()`` and story shows numbers through :func:`shown`, so an explanation can be
followed by eye and still carries the exact value a certificate holds.
"""

from __future__ import annotations

from decimal import Decimal, localcontext
from fractions import Fraction
from numbers import Rational
from typing import Any

__all__ = ["LONG", "SHORT", "decimal_text", "shown"]

#: a fraction written in at most this many characters is shown as it is (``-355/113``)
SHORT = 9
#: beyond this many characters the exact value is described by its size, not written out
LONG = 80


def decimal_text(x: Fraction, places: int = 4) -> str:
    """``x`` rounded to ``places`` decimals (trailing zeros dropped), or to ``places + 1``
    significant digits in scientific notation when it is below ``10**-places`` or at least
    ``10**15`` in size. Exact decimal rounding (half even), O(digits of x).

    >>> decimal_text(Fraction(1354290737015969, 562949953421312))
    '2.4057'
    >>> decimal_text(Fraction(1, 3 * 10**7)), decimal_text(Fraction(10**20, 3))
    ('3.3333e-8', '3.3333e+19')
    """
    with localcontext() as ctx:
        ctx.prec = max(40, places + 30)
        d = Decimal(x.numerator) / Decimal(x.denominator)
        size = abs(d)
        if size != 0 and (size < Decimal(10) ** -places or size >= Decimal(10) ** 15):
            mantissa, _, exponent = f"{d:.{places}e}".partition("e")
            mantissa = mantissa.rstrip("0").rstrip(".") if "." in mantissa else mantissa
            return f"{mantissa}e{int(exponent):+d}".replace("e+-", "e-")
        text = f"{d:.{places}f}"
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return "0" if text in ("-0", "") else text


def shown(value: Any, places: int = 4) -> str:
    """A number for an explanation: integers and fractions of at most :data:`SHORT`
    characters as they are (``3``, ``-1/2``, ``355/113``), longer ones as a decimal with the
    exact value beside it, floats by their shortest repr when short, else rounded. Strings
    that read as exact numbers (``"7/3"``) are shown like numbers; anything else as ``str``.
    O(digits of the value).

    >>> shown(3), shown(Fraction(-1, 2)), shown("1/10"), shown(0.25)
    ('3', '-1/2', '1/10', '0.25')
    >>> shown(Fraction(1354290737015969, 562949953421312))
    '2.4057 (exactly 1354290737015969/562949953421312)'
    >>> shown(2 / 3), shown("ε")
    ('0.6667', 'ε')
    >>> shown(Fraction(10**100 + 1, 3 * 10**99))
    '3.3333 (exactly a fraction of 101 / 100 digits, in the JSON)'
    """
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        text = repr(value)
        if len(text) <= SHORT or value != value or value in (float("inf"), float("-inf")):
            return text
        return decimal_text(Fraction(value), places)
    if isinstance(value, Rational):
        exact = Fraction(int(value.numerator), int(value.denominator))
    elif isinstance(value, str | Decimal):
        try:
            exact = Fraction(str(value).strip())
        except (ValueError, ZeroDivisionError):
            return str(value)
        if isinstance(value, str) and "/" not in value and len(value.strip()) <= SHORT:
            return value.strip()
    else:
        return str(value)
    text = str(exact)
    if exact.denominator == 1 or len(text) <= SHORT:
        return text
    if len(text) > LONG:  # hundreds of digits help no reader: the size, and where it is kept
        num, den = len(str(abs(exact.numerator))), len(str(exact.denominator))
        return (f"{decimal_text(exact, places)} (exactly a fraction of {num} / {den} digits, "
                "in the JSON)")
    return f"{decimal_text(exact, places)} (exactly {text})"
