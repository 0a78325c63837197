"""Typed exceptions raised by :mod:`coherence`.

Every error a user can cause with bad input derives from :class:`InputError`, itself a
:class:`ValueError`, so ``except ValueError`` keeps working for callers that do not know
this library. The CLI maps :class:`InputError` to exit status 2 with one line on stderr.
"""

from __future__ import annotations

__all__ = [
    "CertificationError",
    "CoherenceError",
    "InputError",
]


class CoherenceError(Exception):
    """Base class of every exception defined by this library."""


class InputError(CoherenceError, ValueError):
    """The input is malformed: wrong shape, NaN, unknown label, empty set, bad file, ...

    The message says what was wrong and where, in one line.
    """


class CertificationError(CoherenceError, RuntimeError):
    """A certificate could not be verified exactly.

    Raised instead of ever reporting an unverified certificate. Seeing this is a bug in
    the library (or a numerically pathological input): please report it with the input.
    """
