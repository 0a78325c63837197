"""Agents: the protocols user objects are probed through, their adaptation with time limits,
and probing (Hypothesis-driven questions whose answers go to the exact checkers).

Importing this package loads neither Hypothesis nor the checkers' optional parts; the
trader search imports Hypothesis when it first runs.
"""

from __future__ import annotations

from coherence.agents._adapter import Agent, adapt
from coherence.agents._probe import probe
from coherence.agents._probing import DEFAULT_PRICES
from coherence.agents._protocols import (
    PROTOCOLS,
    Actor,
    Bettor,
    Chooser,
    Comparer,
    Trader,
)
from coherence.agents._pumps import NoPumpFound, Offer, TradingPump
from coherence.agents._targets import load_module, load_target
from coherence.errors import AgentFaulted, AgentProtocolError, NotAnAgentError

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
