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
