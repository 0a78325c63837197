"""``coherence compression TARGET --items FILE``: the compression view of a trained net.

``TARGET`` (``path/file.py:factory`` or ``package.module:factory``) is called with no
arguments and must return ``(model, loss)``: the model as ``audit-net`` takes it (with
trainable parameters) and a zero-argument callable giving the scalar training loss at the
model's current parameters. ``FILE`` holds the items, in the formats ``audit-net`` reads.

Prints the top Hessian and Gauss–Newton eigenvalues, the trace and effective dimension, the
stiff directions and the bits to fix them, the confident preference bits and the flip curves
(stiff against flat directions). Exit 0 when the base net's majority preferences are
coherent, 1 when they hold a money pump, 2 bad input, 3 when the target exits or hangs past
``--timeout``.
"""

from __future__ import annotations

import argparse
import dataclasses
from typing import Any

from coherence.cli._audit_net import read_items
from coherence.cli._check import check_seconds_option
from coherence.cli._common import _out, add_json_flag, collect, emit, seed_type
from coherence.cli._progress import add_quiet_flag, progress_for
from coherence.cli._user_code import add_timeout_flag, quiet_stdout, within
from coherence.errors import InputError


def _load(target: str, timeout: float | None = None) -> tuple[Any, Any]:
    from coherence.agents import load_target

    with quiet_stdout(True):  # what the user's code prints never mixes with the verdict
        _, factory = load_target(target)
    if not callable(factory):
        raise InputError(f"{target} is not callable")
    try:
        with quiet_stdout(True):
            made = within(timeout, factory, f"{target}()")
    except Exception as exc:
        raise InputError(f"{target}() raised {type(exc).__name__}: {exc}") from None
    if not (isinstance(made, tuple | list) and len(made) == 2):
        raise InputError(f"{target}() must return (model, loss), got {type(made).__name__}")
    return made[0], made[1]


def _check_subspace_path(path: str, inputs: list[str]) -> None:
    """``--save-subspace``, before any work: a ``.npz`` name (numpy would add the suffix to
    any other) in a folder that exists, and none of the command's inputs (exit 2)."""
    from coherence.reporting import check_report_target

    if not path.endswith(".npz"):
        raise InputError(f"--save-subspace: name a .npz file, got {path!r}")
    check_report_target(path, inputs=inputs)


def _run(args: argparse.Namespace) -> int:
    from coherence.bridge import (
        compression_audit,
        model_parameters,
        require_torch,
        resolve_device,
    )
    from coherence.subagents import count_linear_extensions

    torch = require_torch()
    dev = resolve_device(args.device)
    if args.save_subspace:
        _check_subspace_path(args.save_subspace, [args.items, args.target.rpartition(":")[0]])
    X, labels = read_items(args.items)
    check_seconds_option(args.timeout, "--timeout")
    model, loss = _load(args.target, args.timeout)
    module = model if isinstance(model, torch.nn.Module) else getattr(model, "fn", None)
    if isinstance(module, torch.nn.Module):
        module.to(dev).eval()
    dtype = model_parameters(model)[0][1].dtype
    items = torch.as_tensor(X, dtype=dtype, device=dev)
    progress = progress_for(args)
    with progress.stage(f"curvature (top {args.top}), flip curves and bits on "
                        f"{items.shape[0]} items"):
        try:
            with quiet_stdout(True):
                report = within(args.timeout, lambda: compression_audit(
                    model, loss, items, k=args.top, ggn=not args.no_ggn, alpha=args.alpha,
                    epsilon=args.epsilon, margin=args.margin, labels=labels, device=dev,
                    seed=args.seed, counter=count_linear_extensions),
                    "the curvature, flip curves and bits")
        except RuntimeError as exc:  # torch's message for a width the model cannot take
            raise InputError(f"the model failed on the items: {str(exc).splitlines()[0]}"
                             ) from None
    if args.save_subspace:
        report.subspace.save(args.save_subspace)
    doc = report.to_json()
    pictured = {"hessian_top": doc["hessian_top"], "ggn_top": doc["ggn_top"],
                "flips": doc["flips"]}
    collect(dataclasses.replace(report.verdict, quantities={**report.verdict.quantities,
                                                           **pictured}), args.target)
    if args.json:
        emit(doc)
    else:
        _out(report.explain() + "\n")
    return int(report.verdict.exit_code)


def _positive(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not v > 0:
        raise argparse.ArgumentTypeError(f"must be positive: {text!r}")
    return v


def _top(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if v < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text!r}")
    return v


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "compression",
        help="stiff and flat directions of a trained net beside its preference bits "
             "(needs torch)",
        description=(
            "Top Hessian and Gauss-Newton eigenvalues of the training loss, trace, effective "
            "dimension, stiff directions and the bits to fix them, and how the net's "
            "revealed preferences move along stiff and flat directions. TARGET returns "
            "(model, loss). Exit 0 coherent, 1 pump, 2 bad input, 3 the target exited or "
            "hung past --timeout."
        ),
    )
    p.add_argument("target", metavar="TARGET", help="FILE.py:factory or module:factory "
                   "returning (model, loss)")
    p.add_argument("--items", required=True, metavar="FILE", help="npy, npz, json or csv")
    p.add_argument("--top", type=_top, default=20, metavar="K",
                   help="eigenpairs to compute (default 20)")
    p.add_argument("--alpha", type=_positive, default=1.0,
                   help="prior precision of the effective dimension (default 1)")
    p.add_argument("--epsilon", type=_positive, default=0.01,
                   help="stiff: a step of one parameter RMS raises the loss by more than "
                        "epsilon times the loss (default 0.01)")
    p.add_argument("--margin", type=float, default=0.25,
                   help="confident preference: P >= 1/2 + margin (default 0.25)")
    p.add_argument("--no-ggn", action="store_true", help="skip the Gauss-Newton eigenpairs")
    p.add_argument("--seed", type=seed_type, default=0)
    p.add_argument("--save-subspace", metavar="PATH", default=None,
                   help="write the stiff subspace (.npz) to compare across runs")
    p.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda"))
    add_timeout_flag(p)
    add_quiet_flag(p)
    add_json_flag(p)
    p.set_defaults(func=_run)
