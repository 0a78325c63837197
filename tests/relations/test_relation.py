"""PreferenceRelation: constructors, derived relations, validation."""

import numpy as np
import pytest

from coherence import InputError, PreferenceRelation


def test_from_pairs_derives_strict_indifference_incomparability():
    r = PreferenceRelation.from_pairs([("a", "b"), ("b", "c"), ("c", "b")], items=list("abcd"))
    assert r.prefers("a", "b")
    assert not r.prefers("b", "a")
    assert r.weakly_prefers("b", "c") and r.weakly_prefers("c", "b")
    assert r.indifferent[r.index("b"), r.index("c")]
    assert r.incomparable[r.index("a"), r.index("d")]
    assert not r.incomparable[r.index("a"), r.index("b")]


def test_from_utility_is_complete_and_transitive():
    r = PreferenceRelation.from_utility({"x": 2, "y": 1, "z": 2})
    assert r.prefers("x", "y") and r.prefers("z", "y")
    assert r.indifferent[r.index("x"), r.index("z")]
    assert (r.weak | r.weak.T).all()


def test_from_utility_callable_and_comparison():
    r = PreferenceRelation.from_utility(len, items=["aa", "b", "ccc"])
    assert r.prefers("ccc", "aa")
    q = PreferenceRelation.from_comparison(lambda x, y: len(x) >= len(y), ["aa", "b", "ccc"])
    assert q == r


def test_from_matrix_default_labels_and_equality_up_to_order():
    m = np.array([[1, 1], [0, 1]])
    r = PreferenceRelation.from_matrix(m)
    assert r.items == (0, 1) and r.prefers(0, 1)
    s = PreferenceRelation.from_matrix(np.array([[1, 0], [1, 1]]), items=[1, 0])
    assert r == s


def test_relation_is_immutable():
    r = PreferenceRelation.from_pairs([("a", "b")])
    with pytest.raises(ValueError):
        r.weak[0, 1] = False
    with pytest.raises(AttributeError):
        r.items = ("z",)  # type: ignore[misc]


def test_restrict_and_relabel():
    r = PreferenceRelation.from_pairs([("a", "b"), ("b", "c")])
    s = r.restrict(["c", "a"])
    assert s.items == ("c", "a") and not s.weakly_prefers("a", "c")
    t = r.relabel({"a": "A"})
    assert t.prefers("A", "b")


@pytest.mark.parametrize(
    "build",
    [
        lambda: PreferenceRelation(("a", "b"), np.ones((2, 3), dtype=bool)),
        lambda: PreferenceRelation(("a", "b"), np.ones((3, 3), dtype=bool)),
        lambda: PreferenceRelation(("a", "b"), np.array([[1.0, 0.5], [0, 1]])),
        lambda: PreferenceRelation(("a", "a"), np.ones((2, 2), dtype=bool)),
        lambda: PreferenceRelation(([1], "b"), np.ones((2, 2), dtype=bool)),
        lambda: PreferenceRelation((), np.ones((0, 0), dtype=bool)),
        lambda: PreferenceRelation.from_pairs([("a", "b")], items=["a"]),
        lambda: PreferenceRelation.from_pairs([("a",)]),
        lambda: PreferenceRelation.from_pairs([([1], "b")]),
        lambda: PreferenceRelation.from_utility({"a": float("nan")}),
        lambda: PreferenceRelation.from_utility({"a": "high", "b": 1}),
        lambda: PreferenceRelation.from_utility(len),
        lambda: PreferenceRelation.from_comparison(lambda x, y: "yes", ["a", "b"]),
        lambda: PreferenceRelation.from_matrix([1, 0]),
    ],
)
def test_bad_input_raises_input_error(build):
    with pytest.raises(InputError):
        build()


def test_input_error_is_value_error():
    assert issubclass(InputError, ValueError)


def test_unknown_item():
    r = PreferenceRelation.from_pairs([("a", "b")])
    with pytest.raises(InputError, match="unknown item"):
        r.prefers("a", "zzz")


def test_networkx_round_trip():
    nx = pytest.importorskip("networkx")
    r = PreferenceRelation.from_pairs([("a", "b"), ("b", "c"), ("c", "b")], items=list("abcd"))
    G = r.to_networkx()
    assert set(G.nodes) == set("abcd")
    assert G.edges["a", "b"]["strict"] is True
    assert G.edges["b", "c"]["strict"] is False
    back = PreferenceRelation.from_networkx(G)
    assert back.restrict(list("abcd")).weak[~np.eye(4, dtype=bool)].tolist() == \
        r.weak[~np.eye(4, dtype=bool)].tolist()
    with pytest.raises(InputError):
        PreferenceRelation.from_networkx(nx.Graph([("a", "b")]))
    with pytest.raises(InputError):
        PreferenceRelation.from_networkx([("a", "b")])
