"""Readers of data files: budget CSVs and PrefLib election files.

Thin wrappers over the readers that live with their data types
(:func:`coherence.budgets.budgets_from_csv`, :meth:`coherence.budgets.BudgetData.from_csv`,
:func:`subagents.read_preflib`, :func:`subagents.parse_preflib`).
"""

from __future__ import annotations

from pathlib import Path

from coherence.budgets import BudgetData, BudgetPanel, budgets_from_csv
from coherence.relations import (
    PreferenceRelation,
    WillingnessToPay,
    relation_from_csv,
    wtp_from_csv,
)
from coherence.subagents import Election, parse_preflib, read_preflib

__all__ = [
    "parse_preflib_text",
    "read_budget_data_csv",
    "read_budgets_csv",
    "read_preflib_file",
    "read_relation_csv",
    "read_wtp_csv",
]


def read_budgets_csv(
    path: str | Path, *, subject_column: str | None = "subject", require_subject: bool = False
) -> BudgetPanel:
    """Read a long budget CSV (columns ``p_<good>``, ``x_<good>``, optional subject) as a
    panel, one :class:`~coherence.budgets.BudgetData` per subject. O(rows × goods).

    See :func:`coherence.budgets.budgets_from_csv`.

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "budgets.csv"
    >>> _ = path.write_text("subject,p_a,p_b,x_a,x_b\\n1,1,2,3,0\\n1,2,1,0,3\\n2,1,1,1,1\\n")
    >>> panel = read_budgets_csv(path)
    >>> panel.subjects, panel["1"].T
    (('1', '2'), 2)
    """
    return budgets_from_csv(path, subject_column=subject_column, require_subject=require_subject)


def read_budget_data_csv(path: str | Path, *, subject: str | None = None) -> BudgetData:
    """Read one decision-maker's budget data from a CSV (``subject`` names it when the file
    holds several). O(rows × goods).

    See :meth:`coherence.budgets.BudgetData.from_csv`.

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "budgets.csv"
    >>> _ = path.write_text("p_a,p_b,x_a,x_b\\n1,2,3,0\\n2,1,0,3\\n")
    >>> data = read_budget_data_csv(path)
    >>> data.T, data.goods
    (2, ('a', 'b'))
    """
    return BudgetData.from_csv(path, subject=subject)


def read_preflib_file(path: str | Path, *, data_type: str | None = None) -> Election:
    """Read a PrefLib election file (``.soc``, ``.soi``, ``.toc``, ``.toi``); the data type
    comes from ``data_type``, else the header, else the extension. O(file size).

    See :func:`subagents.read_preflib`; ``election.committee()`` is its majority committee.

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "votes.soc"
    >>> _ = path.write_text("1: 1,2,3\\n1: 2,3,1\\n1: 3,1,2\\n")
    >>> election = read_preflib_file(path)
    >>> election.voters, election.committee().majority_cycle()
    (3, (1, 2, 3))
    """
    return read_preflib(path, data_type=data_type)


def parse_preflib_text(
    text: str, *, source: str = "<text>", data_type: str | None = None
) -> Election:
    """Parse PrefLib text (``count: order`` lines after ``# KEY: value`` headers).
    O(len(text)).

    See :func:`subagents.parse_preflib`.

    >>> election = parse_preflib_text("# DATA TYPE: toc\\n2: 1,{2,3}\\n1: 3,2,1\\n")
    >>> election.data_type, election.voters, election.ballots[0]
    ('toc', 3, (2, ((1,), (2, 3))))
    """
    return parse_preflib(text, source=source, data_type=data_type)


def read_relation_csv(path: str | Path) -> PreferenceRelation:
    """A preference relation from ``better,worse[,strict]`` rows (``coherence relation``'s format).

    See :func:`coherence.relations.relation_from_csv`. O(rows + n²).

    >>> import pathlib, tempfile
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "rel.csv"
    >>> _ = f.write_text("better,worse\\nrock,scissors\\nscissors,paper\\npaper,rock\\n")
    >>> from coherence import check
    >>> check(read_relation_csv(f)).status
    'exploitable'
    """
    return relation_from_csv(str(path))


def read_wtp_csv(path: str | Path) -> WillingnessToPay:
    """Willingness to pay from ``holding,offered,pay`` rows (``coherence wtp``'s format).

    See :func:`coherence.relations.wtp_from_csv`. O(rows + n²).

    >>> import pathlib, tempfile
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "wtp.csv"
    >>> _ = f.write_text("holding,offered,pay\\na,b,1\\nb,a,1\\n")
    >>> from coherence import check
    >>> check(read_wtp_csv(f)).status
    'exploitable'
    """
    return wtp_from_csv(str(path))
