"""What the JSON tests of every room ask of a tampered document."""

from __future__ import annotations

from typing import Any

from coherence.errors import InputError
from coherence.verdict import Certificate, from_json


def refused_or_unverified(doc: Any) -> bool:
    """A tampered document is refused, or reads back as a certificate that does not verify."""
    try:
        back = from_json(doc)
    except InputError:
        return True
    return isinstance(back, Certificate) and not back.verify()
