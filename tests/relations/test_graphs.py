"""The graph primitives against networkx: strongly connected components on both sides of the
small-graph threshold (closure by squaring below it, scipy's sparse components above)."""

from __future__ import annotations

import networkx as nx
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from coherence import graphs


def partition(labels) -> set[frozenset[int]]:
    out: dict[int, set[int]] = {}
    for i, c in enumerate(np.asarray(labels).tolist()):
        out.setdefault(c, set()).add(i)
    return {frozenset(v) for v in out.values()}


@settings(max_examples=120)
@given(st.integers(1, graphs._SMALL + 16), st.floats(0, 0.6), st.integers(0, 2**32 - 1))
def test_components_match_networkx(n, p, seed):
    A = np.random.default_rng(seed).random((n, n)) < p
    k, labels = graphs.strongly_connected_components(A)
    G = nx.DiGraph()
    G.add_nodes_from(range(n))
    G.add_edges_from(zip(*np.nonzero(A), strict=True))
    want = {frozenset(c) for c in nx.strongly_connected_components(G)}
    assert k == len(want) and partition(labels) == want
    assert labels.dtype == np.int64 and set(labels.tolist()) == set(range(k))
