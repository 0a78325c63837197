"""``(type, strategy factory)`` pairs that the Hypothesis setup hook registers for
``st.from_type``. Paths are ``module:attribute`` strings so nothing is imported until the hook
runs; the type modules must not import Hypothesis."""

TYPE_STRATEGIES: tuple[tuple[str, str], ...] = (
    ("coherence.budgets:BudgetData", "strategies.budgets:budget_data"),
    ("coherence.budgets:ChoiceData", "strategies.choices:choice_data"),
    ("coherence.relations:PreferenceRelation", "strategies.relations:preference_relations"),
    ("coherence.relations:WillingnessToPay", "strategies.relations:willingness_to_pay"),
    ("coherence.beliefs:Credences", "strategies.beliefs:credences"),
    ("coherence.beliefs:Lottery", "strategies.lottery:lotteries"),
    ("coherence.beliefs:LotteryPreferences", "strategies.lottery:lottery_preferences"),
    ("coherence.decisions:DecisionProblem", "strategies.decisions:decision_problems"),
    ("coherence.decisions:Game", "strategies.games:normal_form_games"),
    ("subagents.committee:Committee", "strategies.committee:committees"),
    ("subagents.preflib:Election", "strategies.committee:profiles"),
)

#: Keyword arguments that make a registered strategy draw only coherent or only exploitable
#: examples, where it offers such a setting: strategy path → {"coherent": kwargs,
#: "exploitable": kwargs}. The contract suite (tests/contract) checks that each setting keeps
#: its promise; a strategy without an entry is drawn with its defaults only.
COHERENCE_OPTIONS: dict[str, dict[str, dict[str, object]]] = {
    "strategies.budgets:budget_data": {
        "coherent": {"rationalizable": True}, "exploitable": {"rationalizable": False},
    },
    "strategies.choices:choice_data": {
        "coherent": {"rationalizable": True}, "exploitable": {"rationalizable": False},
    },
    "strategies.relations:preference_relations": {
        "coherent": {"transitive": True}, "exploitable": {"acyclic": False},
    },
    "strategies.relations:willingness_to_pay": {
        "coherent": {"coherent": True}, "exploitable": {"coherent": False},
    },
    "strategies.beliefs:credences": {
        "coherent": {"coherent": True}, "exploitable": {"coherent": False},
    },
    "strategies.lottery:lottery_preferences": {
        "coherent": {"expected_utility": True}, "exploitable": {"expected_utility": False},
    },
    "strategies.games:normal_form_games": {
        "coherent": {"dominated": False}, "exploitable": {"dominated": True},
    },
}
