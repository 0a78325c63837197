"""``coherence audit-net TARGET --items FILE``: audit a trained net's revealed preferences.

``TARGET`` (``path/file.py:factory`` or ``package.module:factory``) is called with no
arguments and must return the model (a comparator ``f(a, b) → logit``, a scorer
``f(a) → utility``, or a :mod:`coherence.bridge` wrapper). ``FILE`` holds the items: a
``.npy`` array (one row of features per item), a ``.npz`` (array ``items``, optional
``labels``), a ``.csv`` of numbers (one row per item, optional header) or a ``.json`` list of
rows or ``{"items": [...], "labels": [...]}``. Exit 0 coherent, 1 money pump, 2 bad input,
3 when the target exits or hangs past ``--timeout``.
"""

from __future__ import annotations

import argparse
import csv
import json
import time
from typing import Any

import numpy as np

from coherence.cli._common import _out, add_json_flag, collect, emit
from coherence.cli._progress import Progress, add_quiet_flag, progress_for
from coherence.cli._user_code import add_timeout_flag, quiet_stdout, within
from coherence.errors import InputError
from coherence.validation import check_file, check_finite_array, check_mapping


def read_items(path: str) -> tuple[np.ndarray, tuple[Any, ...] | None]:
    """Features ``(n, d)`` (float64) and optional labels from an items file."""
    p = check_file(path)
    suffix = p.suffix.lower()
    labels = None
    try:
        if suffix == ".npy":
            X = np.load(p, allow_pickle=False)
        elif suffix == ".npz":
            with np.load(p, allow_pickle=False) as z:
                if "items" not in z:
                    raise InputError(f"{path}: no array named 'items'")
                X = z["items"]
                if "labels" in z:
                    labels = tuple(z["labels"].tolist())
        elif suffix == ".json":
            doc = json.loads(p.read_text(encoding="utf-8"))
            if isinstance(doc, dict):
                check_mapping(doc, f"{path}: the JSON object", required=("items",))
                X = np.asarray(doc["items"], dtype=np.float64)
                if "labels" in doc:
                    labels = tuple(doc["labels"])
            else:
                X = np.asarray(doc, dtype=np.float64)
        elif suffix in (".csv", ".txt"):
            with p.open(newline="", encoding="utf-8-sig") as fh:
                rows = [r for r in csv.reader(fh) if r]
            if rows and not _numeric(rows[0]):
                rows = rows[1:]
            X = np.asarray([[float(v) for v in r] for r in rows], dtype=np.float64)
        else:
            raise InputError(f"{path}: unknown items format {suffix!r} (npy, npz, json, csv)")
    except (ValueError, OSError) as exc:
        if isinstance(exc, InputError):
            raise
        raise InputError(f"{path}: cannot read items: {exc}") from None
    X = np.asarray(X)
    if X.dtype.kind not in "biuf":
        raise InputError(f"{path}: items must be numeric features")
    X = check_finite_array(X[:, None] if X.ndim == 1 else X, f"{path}: items", ndim=2)
    if labels is not None and len(labels) != X.shape[0]:
        raise InputError(f"{path}: {len(labels)} labels for {X.shape[0]} items")
    return X, labels


def _numeric(row: list[str]) -> bool:
    try:
        [float(v) for v in row]
    except ValueError:
        return False
    return True


def _staged_audit(model: Any, items: Any, labels: tuple[Any, ...] | None, dev: Any,
                  progress: Progress) -> Any:
    """``coherence.bridge.audit`` in two named stages: eliciting every ordered pair, then the
    fits, cycle metrics and the certificate."""
    from coherence.bridge import audit_matrix, elicit

    n = int(items.shape[0])
    t0 = time.perf_counter()
    with progress.stage(f"eliciting {n * (n - 1)} ordered pairs of {n} items"):
        try:
            el = elicit(model, items, device=dev, progress=False)
        except RuntimeError as exc:  # torch's message for a width the model cannot take
            if "shape" not in str(exc) and "size" not in str(exc):
                raise
            raise InputError(
                f"the items have {int(items.shape[1])} features each, which "
                f"{type(model).__name__} cannot take: {str(exc).splitlines()[0]}"
            ) from None
    t_el = time.perf_counter() - t0
    names = el.items if labels is None else tuple(labels)
    if len(names) != el.n:
        raise InputError(f"{len(names)} labels for {el.n} items")
    with progress.stage("fitting utilities (Bradley-Terry, Thurstone), cycles, certificate"):
        report = audit_matrix(el.P, names, device=el.P.device, kind=el.kind,
                              order_bias=el.order_bias, validate=False)
    report.timings["elicit"] = t_el
    return report


def _run(args: argparse.Namespace) -> int:
    from coherence.agents import load_target
    from coherence.bridge import require_torch, resolve_device
    from coherence.cli._check import check_seconds_option

    check_seconds_option(args.timeout, "--timeout")
    torch = require_torch()
    dev = resolve_device(args.device)
    X, labels = read_items(args.items)
    with quiet_stdout(True):  # what the user's code prints never mixes with the verdict
        _, factory = load_target(args.target)
    if not callable(factory):
        raise InputError(f"{args.target} is not callable")
    try:
        with quiet_stdout(True):
            model = within(args.timeout, factory, f"{args.target}()")
    except Exception as exc:
        raise InputError(f"{args.target}() raised {type(exc).__name__}: {exc}") from None
    if isinstance(model, torch.nn.Module):
        model = model.to(dev).eval()
        dtype = next((p.dtype for p in model.parameters()), torch.float32)
    else:
        dtype = torch.float32
    items = torch.as_tensor(X, dtype=dtype, device=dev)
    progress = progress_for(args)
    with quiet_stdout(True):
        report = within(args.timeout, lambda: _staged_audit(model, items, labels, dev, progress),
                        "the audit")
    collect(report.verdict, args.target)
    if args.json:
        emit(report.to_json())
    else:
        _out(report.explain() + "\n")
    return report.verdict.exit_code


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "audit-net",
        help="audit a trained net's pairwise preferences for money pumps (needs torch)",
        description=(
            "Elicit a model's choice probabilities over the items (both orders), measure "
            "cycle rates and fits, and certify a shortest majority money pump or a utility. "
            "Exit 0 coherent, 1 pump, 2 bad input, 3 the target exited or hung past --timeout."
        ),
    )
    p.add_argument("target", metavar="TARGET", help="FILE.py:factory or module:factory")
    p.add_argument("--items", required=True, metavar="FILE", help="npy, npz, json or csv")
    p.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda"))
    add_timeout_flag(p)
    add_quiet_flag(p)
    add_json_flag(p)
    p.set_defaults(func=_run)
