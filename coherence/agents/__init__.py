"""Agents: the protocols user objects are probed through, their adaptation with time limits,
and probing (Hypothesis-driven questions whose answers go to the exact checkers).
"""

from __future__ import annotations

from coherence.agents._adapter import (
    PROTOCOLS,
    Actor,
    Agent,
    AgentFaulted,
    AgentProtocolError,
    Bettor,
    Chooser,
    Comparer,
    NotAnAgentError,
    Trader,
    adapt,
)
from coherence.agents._probe import (
    DEFAULT_PRICES,
    NoPumpFound,
    Offer,
    TradingPump,
    probe,
)
from coherence.agents._targets import (
    load_module,
    load_target,
)

__all__ = [
    "DEFAULT_PRICES",
    "PROTOCOLS",
    "Actor",
    "Agent",
    "AgentFaulted",
    "AgentProtocolError",
    "Bettor",
    "Chooser",
    "Comparer",
    "NoPumpFound",
    "NotAnAgentError",
    "Offer",
    "Trader",
    "TradingPump",
    "adapt",
    "load_module",
    "load_target",
    "probe",
]
