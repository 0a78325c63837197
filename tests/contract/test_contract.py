"""The contract suite: every registered data type, every clause of the verdict contract.

In the manner of scikit-learn's ``parametrize_with_checks``: one test per (registered type,
strategy setting, clause), each drawing a few examples from the type's registered strategy —
with its defaults, and coherent-only or exploitable-only where the registry lists a setting
for that — and checking ``coherence.check(obj)`` (or the type's hook in
:data:`~tests.contract.subjects.CHECK_HOOKS`). The clauses are in
:mod:`tests.contract.checks`; the tamper rules in :mod:`tests.contract.tampering`.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coherence.verdict import Certificate, Verdict
from tests.contract.checks import CONTRACT_CHECKS
from tests.contract.subjects import (
    CHECK_HOOKS,
    FURTHER_CHECKERS,
    SUBJECTS,
    Further,
    Subject,
    cannot_check,
    further_verdicts,
    load,
    verdict_of,
)
from tests.contract.tampering import TAMPER_RULES

# per (type, setting, clause): 8 under the default profile keeps the suite within seconds;
# HYPOTHESIS_PROFILE=thorough (1000 examples) gives 83
EXAMPLES = max(8, settings().max_examples // 12)

contract_settings = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def _cases() -> Iterator[object]:
    for subject in SUBJECTS:
        for variant in subject.variants:
            for clause in CONTRACT_CHECKS:
                yield pytest.param(
                    subject, variant, clause, id=f"{subject.name}-{variant}-{clause.__name__}"
                )


def _further_cases() -> Iterator[object]:
    by_path = {s.type_path: s for s in SUBJECTS}
    for type_path, checkers in FURTHER_CHECKERS.items():
        if type_path not in by_path:
            continue  # test_tables_name_registered_types reports it
        subject = by_path[type_path]
        for further in checkers:
            for clause in CONTRACT_CHECKS:
                yield pytest.param(
                    subject, further, clause,
                    id=f"{subject.name}-{further.name}-{clause.__name__}",
                )


@pytest.mark.parametrize("subject", SUBJECTS, ids=lambda s: s.name)
def test_registered_type_can_be_checked(subject: Subject) -> None:
    reason = cannot_check(subject)
    if reason is not None:
        pytest.fail(reason)


@pytest.mark.parametrize("subject", SUBJECTS, ids=lambda s: s.name)
@contract_settings
@given(data=st.data())
def test_registered_type_resolves_with_from_type(subject: Subject, data: st.DataObject) -> None:
    assert isinstance(data.draw(st.from_type(subject.cls)), subject.cls)


@pytest.mark.parametrize(("subject", "variant", "clause"), list(_cases()))
@contract_settings
@given(data=st.data())
def test_contract(
    subject: Subject, variant: str, clause: Callable[[Verdict], None], data: st.DataObject
) -> None:
    obj = data.draw(subject.strategy(variant), label=subject.name)
    verdict = verdict_of(subject, obj, data)
    if variant != "any":
        assert verdict.status == variant, f"{subject.strategy_path} asked for {variant} examples"
    clause(verdict)


@pytest.mark.parametrize(("subject", "further", "clause"), list(_further_cases()))
@contract_settings
@given(data=st.data())
def test_contract_of_further_checkers(
    subject: Subject, further: Further, clause: Callable[[Verdict], None], data: st.DataObject
) -> None:
    strategy = load(further.strategy)() if further.strategy else subject.strategy()
    obj = data.draw(strategy, label=subject.name)
    assert isinstance(obj, subject.cls)
    for verdict in further_verdicts(further, obj):
        clause(verdict)


def test_tables_name_registered_types() -> None:
    registered = {s.type_path for s in SUBJECTS}
    stale = (set(CHECK_HOOKS) | set(FURTHER_CHECKERS)) - registered
    assert not stale, f"hooks or checkers for types that are not registered: {sorted(stale)}"


def _concrete_certificate_kinds() -> list[str]:
    seen: dict[str, type] = {}
    todo = list(Certificate.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if not inspect.isabstract(cls):
            seen.setdefault(cls.kind, cls)
    return sorted(seen)


@pytest.mark.parametrize("kind", _concrete_certificate_kinds())
def test_every_certificate_kind_has_a_tamper_rule(kind: str) -> None:
    if not TAMPER_RULES.get(kind):
        pytest.fail(f"no tamper rule for certificate kind {kind!r}: add one to TAMPER_RULES")


def test_tamper_rules_name_known_kinds() -> None:
    stale = set(TAMPER_RULES) - set(_concrete_certificate_kinds())
    assert not stale, f"tamper rules for unknown certificate kinds: {sorted(stale)}"
