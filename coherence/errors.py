"""Every exception :mod:`coherence` raises, in one place, all under :class:`CoherenceError`.

Bad input derives from :class:`InputError`, itself a :class:`ValueError`, so ``except
ValueError`` keeps working for callers that do not know this library; the CLI maps it to exit
status 2 with one line on stderr. :class:`CertificationError` is a bug, never an answer to
valid input.

>>> issubclass(NonPositivePriceError, InputError) and issubclass(InputError, ValueError)
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from coherence.verdict import AgentFault, Verdict

__all__ = [
    "AgentFaulted",
    "AgentProtocolError",
    "BudgetDataError",
    "BudgetShapeError",
    "CertificationError",
    "CoherenceAssertionError",
    "CoherenceError",
    "CommandError",
    "CurvatureError",
    "DeviceError",
    "InputError",
    "ModelOutputError",
    "NegativeQuantityError",
    "NonFiniteError",
    "NonPositivePriceError",
    "NotAnAgentError",
    "TorchMissingError",
    "ZeroExpenditureError",
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


# ----------------------------------------------------------------------------- budget data
class BudgetDataError(InputError):
    """Budget data that cannot be analysed (base class of the errors below)."""


class BudgetShapeError(BudgetDataError):
    """Wrong shapes: not ``T × K``, prices and quantities differ, ``T < 1`` or ``K < 1``."""


class NonFiniteError(BudgetDataError):
    """A price or quantity is NaN or infinite."""


class NonPositivePriceError(BudgetDataError):
    """A price is zero or negative."""


class NegativeQuantityError(BudgetDataError):
    """A quantity is negative."""


class ZeroExpenditureError(BudgetDataError):
    """An observation spends nothing (its bundle is zero), so it reveals nothing."""


# ----------------------------------------------------------------------------- agents
class NotAnAgentError(InputError):
    """The object offers none of the protocol methods (or not the one asked for)."""


class AgentProtocolError(InputError):
    """The agent answered outside its protocol (a non-boolean, an item not on the menu, ...)."""


class AgentFaulted(CoherenceError):
    """Raised by a guarded call when the agent raised or hung; ``.fault`` is the evidence."""

    def __init__(self, fault: AgentFault) -> None:
        super().__init__(fault.message)
        self.fault = fault


class CoherenceAssertionError(CoherenceError, AssertionError):
    """Raised by :func:`coherence.assert_coherent`; ``.verdict`` holds the verdict."""

    def __init__(self, message: str, verdict: Verdict) -> None:
        super().__init__(message)
        self.verdict = verdict


# ----------------------------------------------------------------------------- bridge
class TorchMissingError(InputError):
    """PyTorch is not installed; the message says how to install the optional extra."""


class DeviceError(InputError):
    """An unknown device, or CUDA requested on a machine without it."""


class ModelOutputError(InputError):
    """A model returned NaN/inf, the wrong shape or a non-numeric answer."""


class CurvatureError(InputError):
    """A model or loss whose curvature cannot be computed: no trainable parameters, a loss
    that is not a finite scalar, non-finite gradients, or more eigenpairs than parameters."""


# ----------------------------------------------------------------------------- CLI
class CommandError(CoherenceError):
    """Raised by a subcommand to exit with ``code`` and a one-line message."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code
