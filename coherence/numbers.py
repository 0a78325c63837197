"""The number policy: how coherence reads the numbers it is given.

Certificates are exact, so every input number becomes a rational first. Ints, Fractions,
:class:`~decimal.Decimal` and strings (``"0.25"``, ``"1/3"``) are exact. A float is read as
the number it was meant to be — the *decimal* reading: the shortest decimal that rounds to it
when that has at most 15 significant digits (``0.8`` is ``4/5``: what was typed), else the
simplest rational that rounds to it (``0.3333333333333333``, how a CSV writer prints ``1/3``,
is ``1/3``). Every such rational rounds back to the float, so the fast float layer never
disagrees with it by more than half an ulp. The *binary* reading (the float's exact dyadic
value, ``0.8`` = ``3602879701896397/2⁵²``) is opt-in: ``numbers="binary"`` where a reader
takes it, or ``with number_reading("binary"):`` around the code that builds the data (the
reading is fixed when the data are built). See the "Numbers" page of the docs.
"""

from __future__ import annotations

from coherence._exact import (
    NumberReading,
    as_fraction,
    current_reading,
    fraction_array,
    number_reading,
    rational_parts,
    read_float,
    simplest_rational,
)

__all__ = [
    "NumberReading",
    "as_fraction",
    "current_reading",
    "fraction_array",
    "number_reading",
    "rational_parts",
    "read_float",
    "simplest_rational",
]
