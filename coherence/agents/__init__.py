"""Agents: the protocols user objects are probed through, their adaptation (in a worker
process of their own by default, with hard time limits), and probing (Hypothesis-driven
questions whose answers go to the exact checkers; every exploit asked again before it is
reported, and replayable later with :func:`replay`).

Importing this package loads neither Hypothesis nor the checkers' optional parts; the
trader search imports Hypothesis when it first runs.
"""

from __future__ import annotations

from coherence.agents._adapter import ISOLATIONS, Agent, adapt, load_agent
from coherence.agents._bulk import TargetResult, check_target, check_targets, expand_targets
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
from coherence.agents._remote import reuse_workers
from coherence.agents._replay import ReplayDiffers, check_support, replay
from coherence.agents._targets import load_module, load_target
from coherence.errors import AgentFaulted, AgentProtocolError, NotAnAgentError

__all__ = [
    "DEFAULT_PRICES",
    "ISOLATIONS",
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
    "ReplayDiffers",
    "TargetResult",
    "Trader",
    "TradingPump",
    "adapt",
    "check_support",
    "check_target",
    "check_targets",
    "expand_targets",
    "load_agent",
    "load_module",
    "load_target",
    "probe",
    "replay",
    "reuse_workers",
]
