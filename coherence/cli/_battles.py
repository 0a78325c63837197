"""``coherence battles FILE``: audit leaderboard battles or LLM-judge verdicts.

``FILE`` is a CSV with a header: an arena table (``model_a, model_b, winner`` with ``winner``
one of ``model_a``, ``model_b``, ``tie``, ``tie (bothbad)``) or a judge table (``prompt, a,
b, verdict`` with ``verdict`` one of ``A``, ``B``, ``tie``, ``tie (bothbad)``), told apart by
the header unless ``--format`` says. Prints the verdict (a shortest majority money pump over
the contestants, or their utility, verified exactly), the bridge's metrics and the
Bradley–Terry log-strengths with bootstrap intervals. Exit 0 coherent, 1 pump, 2 bad input.
"""

from __future__ import annotations

import argparse

from coherence.cli._common import _out, add_json_flag, collect, emit, seed_type
from coherence.cli._progress import add_quiet_flag, progress_for
from coherence.errors import InputError

#: the most bootstrap replicates the command runs (each is a Bradley–Terry fit)
MAX_BOOTSTRAP = 100_000


def _run(args: argparse.Namespace) -> int:
    from coherence.bridge import audit_battles, read_battles, require_torch

    require_torch()
    if not 0 <= args.bootstrap <= MAX_BOOTSTRAP:
        raise InputError(f"--bootstrap must be from 0 to {MAX_BOOTSTRAP}, got {args.bootstrap}")
    progress = progress_for(args)
    with progress.stage(f"reading {args.file}"):
        battles = read_battles(args.file, format=args.format, min_battles=args.min_battles)
    with progress.stage(
        f"counting {len(battles)} battles of {battles.n} contestants; Bradley-Terry with "
        f"{args.bootstrap} bootstrap replicates; cycles and certificate"
    ):
        result = audit_battles(battles, bootstrap=args.bootstrap, seed=args.seed,
                               ridge=args.ridge, device=args.device)
    collect(result.verdict, args.file)
    if args.json:
        emit(result.to_json())
    else:
        _out(result.explain() + "\n")
    return result.verdict.exit_code


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "battles",
        help="audit pairwise battles or judge verdicts for money pumps (needs torch)",
        description=(
            "Count a table of pairwise battles (arena: model_a,model_b,winner) or judge "
            "verdicts (prompt,a,b,verdict), certify a shortest majority money pump over the "
            "contestants or a utility, report cycle metrics and Bradley-Terry log-strengths "
            "with bootstrap intervals. Ties count half a point each. "
            "Exit 0 coherent, 1 pump, 2 bad input."
        ),
    )
    p.add_argument("file", metavar="FILE", help="CSV with a header row")
    p.add_argument("--format", default="auto", choices=("auto", "arena", "judge"),
                   help="table format (default: told by the header)")
    p.add_argument("--min-battles", type=int, default=2, metavar="N",
                   help="the fewest battles a contestant may appear in (default 2; fewer is "
                        "bad input: its strength is not identified)")
    p.add_argument("--bootstrap", type=int, default=200, metavar="B",
                   help="bootstrap replicates for the strength intervals (default 200; 0: none)")
    p.add_argument("--seed", type=seed_type, default=0, help="seed of the bootstrap (default 0)")
    p.add_argument("--ridge", type=float, default=0.0, metavar="R",
                   help="Bradley-Terry penalty R·‖u‖² (default 0: maximum likelihood)")
    p.add_argument("--device", default="cpu", choices=("auto", "cpu", "cuda"),
                   help="where the matrix metrics run (default cpu)")
    add_quiet_flag(p)
    add_json_flag(p)
    p.set_defaults(func=_run)
