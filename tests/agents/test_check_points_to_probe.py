"""``coherence.check`` on a decision-maker (an object with a protocol method, a function, a
class) raises :class:`~coherence.errors.InputError` pointing to ``coherence.probe`` and the
CLI's ``coherence check FILE:OBJ``; on data it cannot read it says only that."""

from __future__ import annotations

import pytest

import coherence
from coherence.errors import InputError


class Chooser:
    def choose(self, menu):
        return min(menu)


class Trader:
    def accept(self, holding, offered, price):
        return False


def prefers(a, b):
    return a < b


@pytest.mark.parametrize("agent", [Chooser(), Chooser, Trader(), prefers, lambda a, b: a < b],
                         ids=["object", "class", "trader", "function", "lambda"])
def test_check_on_an_agent_points_to_probe(agent):
    with pytest.raises(InputError) as info:
        coherence.check(agent)
    message = str(info.value)
    assert "coherence.probe(" in message and "coherence check FILE:OBJ" in message
    assert "\n" not in message


@pytest.mark.parametrize("data", [42, object(), "abc"])
def test_check_on_unknown_data_names_its_type_only(data):
    with pytest.raises(InputError, match="don't know how to check an object of type") as info:
        coherence.check(data)
    assert "probe" not in str(info.value)


def test_what_the_message_points_to_works():
    v = coherence.probe(prefers, items=["a", "b", "c"], isolation="none")
    assert v.status == "coherent"
