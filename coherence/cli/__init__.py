"""The ``coherence`` command line.

Exit status (contract): 0 coherent (or, for a probed trader, no exploit found: evidence,
not proof), 1 exploit or violation found, 2 bad input or usage, 3 a probed agent faulted
(inconclusive). Errors print one line on stderr, never a traceback.
Every subcommand takes ``--json`` and then prints exactly one JSON document on stdout.

Subcommands live in ``coherence.cli._<name>`` modules, each with ``register(subparsers)``
that adds its parser and sets ``func(args) -> int``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import NoReturn

from coherence._exact import number_reading
from coherence.cli._common import add_report_flag, gathering, input_files
from coherence.cli._user_code import UserCodeFault
from coherence.errors import CommandError, InputError

__all__ = ["CommandError", "main"]

#: subcommand modules, in the order ``--help`` lists them
COMMANDS: tuple[str, ...] = (
    "audit_llm",
    "audit_net",
    "battles",
    "budgets",
    "check",
    "committee",
    "compression",
    "credences",
    "demo",
    "game",
    "relation",
    "replay",
    "report",
    "stochastic",
    "wtp",
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, exit 2
        raise CommandError(f"{self.prog}: {message}", 2)


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser (all subcommands registered)."""
    parser = _Parser(
        prog="coherence",
        description=(
            "Check decision-makers for exploitability (money pumps, Dutch books, dominated "
            "strategies). Exit status: 0 coherent or no exploit found, 1 exploit found, "
            "2 bad input, 3 agent fault."
        ),
    )
    from coherence import __version__

    parser.add_argument("--version", action="version", version=f"coherence {__version__}")
    parser.add_argument("--numbers", choices=("decimal", "binary"), default=None,
                        help=_NUMBERS_HELP)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMANDS:
        importlib.import_module(f"coherence.cli._{name}").register(sub)
    for name, command in sub.choices.items():
        command.add_argument("--numbers", dest="numbers_here", choices=("decimal", "binary"),
                             default=None, help=_NUMBERS_HELP)
        if name not in _OWN_REPORT:
            add_report_flag(command)
    return parser


#: commands that write their reports themselves (``report`` renders them)
_OWN_REPORT = ("check", "demo", "report")

_NUMBERS_HELP = ("how floats in the input are read: 'decimal' (default; 0.8 is 4/5, the "
                 "number typed) or 'binary' (the float's exact binary value)")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit status (the console script exits with it)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if not getattr(args, "func", None):
            print("coherence: error: no command given (coherence --help lists them)",
                  file=sys.stderr)
            return 2
        reading = getattr(args, "numbers_here", None) or args.numbers
        report = None if args.command in _OWN_REPORT else getattr(args, "report", None)
        inputs = input_files(args)
        with number_reading("binary" if reading == "binary" else "decimal"), \
                gathering(report, inputs):
            return int(args.func(args))
    except CommandError as exc:
        print(f"coherence: error: {exc}", file=sys.stderr)
        return exc.code
    except InputError as exc:
        print(f"coherence: error: {exc}", file=sys.stderr)
        return 2
    except (OSError, UnicodeDecodeError) as exc:
        print(f"coherence: error: {exc}", file=sys.stderr)
        return 2
    except UserCodeFault as exc:
        print(f"coherence: agent fault: {exc}", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        print("coherence: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # never a traceback from the CLI
        print(f"coherence: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
