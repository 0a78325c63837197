"""The registry of strategies: which strategy draws each checked type (``TYPE_STRATEGIES``,
kept with the Hypothesis setup hook in :mod:`coherence._hypothesis_hook`, which must load
without this package) and how to ask each for coherent or exploitable examples."""

from coherence._hypothesis_hook import TYPE_STRATEGIES

__all__ = ["COHERENCE_OPTIONS", "TYPE_STRATEGIES"]


#: Keyword arguments that make a registered strategy draw only coherent or only exploitable
#: examples, where it offers such a setting: strategy path → {"coherent": kwargs,
#: "exploitable": kwargs}. The contract suite (tests/contract) checks that each setting keeps
#: its promise; a strategy without an entry is drawn with its defaults only.
COHERENCE_OPTIONS: dict[str, dict[str, dict[str, object]]] = {
    "coherence.strategies.budgets:budget_data": {
        "coherent": {"rationalizable": True}, "exploitable": {"rationalizable": False},
    },
    "coherence.strategies.choices:choice_data": {
        "coherent": {"rationalizable": True}, "exploitable": {"rationalizable": False},
    },
    "coherence.strategies.relations:preference_relations": {
        "coherent": {"transitive": True}, "exploitable": {"acyclic": False},
    },
    "coherence.strategies.relations:willingness_to_pay": {
        "coherent": {"coherent": True}, "exploitable": {"coherent": False},
    },
    "coherence.strategies.beliefs:credences": {
        "coherent": {"coherent": True}, "exploitable": {"coherent": False},
    },
    "coherence.strategies.lottery:lottery_preferences": {
        "coherent": {"expected_utility": True}, "exploitable": {"expected_utility": False},
    },
    "coherence.strategies.stochastic:stochastic_choices": {
        "coherent": {"random_utility": True}, "exploitable": {"random_utility": False},
    },
    "coherence.strategies.stochastic:menu_choices": {
        "coherent": {"random_utility": True}, "exploitable": {"random_utility": False},
    },
    "coherence.strategies.committee:committees": {
        "coherent": {"coherent": True}, "exploitable": {"coherent": False},
    },
    "coherence.strategies.games:normal_form_games": {
        "coherent": {"dominated": False}, "exploitable": {"dominated": True},
    },
}
