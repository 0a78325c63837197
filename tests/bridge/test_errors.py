"""Bad input gets a clear, typed error."""

from __future__ import annotations

import sys

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from coherence.bridge import (  # noqa: E402
    Comparator,
    DeviceError,
    ModelOutputError,
    PairwiseCallable,
    Scorer,
    TorchMissingError,
    audit,
    elicit,
    expected_cyclic_triads,
    resolve_device,
)
from coherence.errors import InputError  # noqa: E402

X = torch.randn(5, 3)


def test_nan_logits():
    bad = Comparator(lambda a, b: torch.full((a.shape[0],), float("nan")))
    with pytest.raises(ModelOutputError, match="not finite"):
        elicit(bad, X, device="cpu")
    with pytest.raises(ModelOutputError, match="not finite"):
        audit(Scorer(lambda a: a[:, 0] / 0 * 0), X, device="cpu")


def test_wrong_shapes():
    with pytest.raises(ModelOutputError, match="shape"):
        elicit(Comparator(lambda a, b: torch.zeros(a.shape[0], 2)), X, device="cpu")
    with pytest.raises(ModelOutputError, match="shape"):
        elicit(Scorer(lambda a: torch.zeros(3)), X, device="cpu")
    with pytest.raises(ModelOutputError, match="non-numeric"):
        elicit(Comparator(lambda a, b: "yes"), X, device="cpu")
    with pytest.raises(ModelOutputError, match="outside"):
        elicit(Comparator(lambda a, b: torch.full((a.shape[0],), 2.0), output="prob"), X,
               device="cpu")


def test_plain_callable_faults():
    with pytest.raises(ModelOutputError, match="raised ZeroDivisionError"):
        elicit(PairwiseCallable(lambda a, b: 1 / 0), [1, 2, 3], device="cpu")
    with pytest.raises(ModelOutputError, match="probability"):
        elicit(PairwiseCallable(lambda a, b: float("nan")), [1, 2, 3], device="cpu")
    with pytest.raises(InputError, match="arguments"):
        elicit(lambda a, b, c: 0, [1, 2, 3], device="cpu")


def test_too_few_items():
    with pytest.raises(InputError, match="at least 3"):
        elicit(Scorer(lambda a: a[:, 0]), X[:2], device="cpu")
    with pytest.raises(InputError, match="at least 3"):
        expected_cyclic_triads(np.full((2, 2), 0.5))


@pytest.mark.parametrize(
    "P, msg",
    [
        (np.full((3, 4), 0.5), "square"),
        (np.array([[0.5, np.nan, 0.5], [0.5, 0.5, 0.5], [0.5, 0.5, 0.5]]), "not finite"),
        (np.array([[0.5, 1.5, 0.5], [-0.5, 0.5, 0.5], [0.5, 0.5, 0.5]]), r"outside \[0, 1\]"),
        (np.array([[0.5, 0.9, 0.5], [0.9, 0.5, 0.5], [0.5, 0.5, 0.5]]), "symmetrise"),
    ],
)
def test_bad_matrices(P, msg):
    with pytest.raises(InputError, match=msg):
        expected_cyclic_triads(P)


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_cuda_without_cuda():
    with pytest.raises(DeviceError, match="CUDA is not available"):
        resolve_device("cuda")
    with pytest.raises(DeviceError, match="CUDA is not available"):
        audit(Scorer(lambda a: a[:, 0]), X, device="cuda")
    with pytest.raises(DeviceError, match=r"unknown device|unsupported"):
        resolve_device("tpu")
    assert resolve_device("auto").type == "cpu"


def test_torch_missing(monkeypatch):
    import coherence.bridge._torch as bt

    monkeypatch.setattr(bt, "_TORCH", None)
    monkeypatch.setitem(sys.modules, "torch", None)  # import torch now raises ImportError
    with pytest.raises(TorchMissingError, match=r'pip install "coherence\[torch\]"'):
        expected_cyclic_triads(np.full((3, 3), 0.5))
    assert issubclass(TorchMissingError, InputError)
