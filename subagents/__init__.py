"""Committees of subagents: members, decision rules, trading, path dependence, decomposition.

Importing this package registers :func:`coherence.check` for :class:`Committee`.
"""

from __future__ import annotations

import sys

from coherence.subagents.certificates import (
    CommitteePump,
    MultiUtility,
    check_committee,
    minimal_subcommittee,
)
from coherence.subagents.committee import Committee
from coherence.subagents.decompose import Decomposition, critical_pairs, decompose, width
from coherence.subagents.extensions import ExtensionCount, count_linear_extensions, information_bits
from coherence.subagents.interop import from_pref_voting, to_pref_voting
from coherence.subagents.members import ExpectedUtilityMember, Member, OrderMember, UtilityMember
from coherence.subagents.preflib import Election, parse_preflib, read_preflib
from coherence.subagents.random_utility import from_random_utility
from coherence.subagents.rules import (
    Dictator,
    Lexicographic,
    Majority,
    Market,
    Rule,
    Unanimity,
    WeightedSum,
    rule_from_json,
)
from coherence.subagents.trading import (
    CompletionEffect,
    PathDependence,
    Trajectory,
    completion_effect,
    path_dependence,
    simulate,
)

__all__ = [
    "Committee",
    "CommitteePump",
    "CompletionEffect",
    "Decomposition",
    "Dictator",
    "Election",
    "ExpectedUtilityMember",
    "ExtensionCount",
    "Lexicographic",
    "Majority",
    "Market",
    "Member",
    "MultiUtility",
    "OrderMember",
    "PathDependence",
    "Rule",
    "Trajectory",
    "Unanimity",
    "UtilityMember",
    "WeightedSum",
    "check_committee",
    "completion_effect",
    "count_linear_extensions",
    "critical_pairs",
    "decompose",
    "from_pref_voting",
    "from_random_utility",
    "information_bits",
    "minimal_subcommittee",
    "parse_preflib",
    "path_dependence",
    "read_preflib",
    "rule_from_json",
    "simulate",
    "to_pref_voting",
    "width",
]

if "hypothesis" in sys.modules:  # else Hypothesis's setup hook registers on its import
    from coherence._hypothesis_hook import register_loaded_types

    register_loaded_types()
