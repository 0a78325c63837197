"""``(type, strategy factory)`` pairs that the Hypothesis setup hook registers for
``st.from_type``. Paths are ``module:attribute`` strings so nothing is imported until the hook
runs; the type modules must not import Hypothesis."""

TYPE_STRATEGIES: tuple[tuple[str, str], ...] = (
    ("coherence.budget:BudgetData", "strategies.budgets:budget_data"),
    ("coherence.choice:ChoiceData", "strategies.choices:choice_data"),
    ("coherence.relation:PreferenceRelation", "strategies.relations:preference_relations"),
    ("coherence.cardinal:WillingnessToPay", "strategies.relations:willingness_to_pay"),
    ("coherence.beliefs:Credences", "strategies.beliefs:credences"),
    ("coherence.lotteries:Lottery", "strategies.lottery:lotteries"),
    ("coherence.lotteries:LotteryPreferences", "strategies.lottery:lottery_preferences"),
    ("coherence.dominance:DecisionProblem", "strategies.decisions:decision_problems"),
    ("coherence.games:Game", "strategies.games:normal_form_games"),
    ("subagents.committee:Committee", "strategies.committee:committees"),
    ("subagents.preflib:Election", "strategies.committee:profiles"),
)
