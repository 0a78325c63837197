"""``(type, strategy factory)`` pairs that the Hypothesis setup hook registers for
``st.from_type``. Paths are ``module:attribute`` strings so nothing is imported until the hook
runs; the type modules must not import Hypothesis."""

TYPE_STRATEGIES: tuple[tuple[str, str], ...] = (
    ("coherence.budgets._data:BudgetData", "strategies.budgets:budget_data"),
    ("coherence.budgets._choice:ChoiceData", "strategies.choices:choice_data"),
    ("coherence.relations._relation:PreferenceRelation", "strategies.relations:preference_relations"),
    ("coherence.relations._wtp:WillingnessToPay", "strategies.relations:willingness_to_pay"),
    ("coherence.beliefs._credences:Credences", "strategies.beliefs:credences"),
    ("coherence.beliefs._lotteries:Lottery", "strategies.lottery:lotteries"),
    ("coherence.beliefs._lotteries:LotteryPreferences", "strategies.lottery:lottery_preferences"),
    ("coherence.decisions._problems:DecisionProblem", "strategies.decisions:decision_problems"),
    ("coherence.decisions._games:Game", "strategies.games:normal_form_games"),
    ("subagents.committee:Committee", "strategies.committee:committees"),
    ("subagents.preflib:Election", "strategies.committee:profiles"),
)
