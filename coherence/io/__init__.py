"""Moving data in and out: file readers, conversions to and from neighbouring libraries, and
JSON documents of verdicts and certificates.

Each function is a thin, documented wrapper over the reader or conversion that lives with its
data type, gathered here under one naming scheme (``read_*`` for files and documents,
``<type>_from_<library>`` / ``<type>_to_<library>`` for conversions):

* CSV and PrefLib files: :func:`read_budgets_csv`, :func:`read_budget_data_csv`,
  :func:`read_preflib_file`, :func:`parse_preflib_text`, :func:`read_relation_csv`,
  :func:`read_wtp_csv`;
* pandas: :func:`budgets_from_pandas`, :func:`panel_from_pandas`;
* networkx: :func:`relation_from_networkx`, :func:`relation_to_networkx`;
* nashpy and pygambit: :func:`game_from_nashpy`, :func:`game_to_nashpy`,
  :func:`game_from_pygambit`, :func:`game_to_pygambit`;
* pref_voting: :func:`committee_from_pref_voting`, :func:`committee_to_pref_voting`;
* JSON: :func:`read_certificate`, :func:`read_verdict`, :func:`read_relation`,
  :func:`read_credences`, :func:`read_game`, :func:`read_committee`.

The neighbouring libraries are optional and imported only when a conversion needs them. This
package sits on top of the others: nothing else in :mod:`coherence` imports it.
"""

from __future__ import annotations

from coherence.io._files import (
    parse_preflib_text,
    read_budget_data_csv,
    read_budgets_csv,
    read_preflib_file,
    read_relation_csv,
    read_wtp_csv,
)
from coherence.io._frames import budgets_from_pandas, panel_from_pandas
from coherence.io._games import (
    game_from_nashpy,
    game_from_pygambit,
    game_to_nashpy,
    game_to_pygambit,
)
from coherence.io._graphs import relation_from_networkx, relation_to_networkx
from coherence.io._json import (
    read_certificate,
    read_committee,
    read_credences,
    read_game,
    read_relation,
    read_verdict,
)
from coherence.io._voting import committee_from_pref_voting, committee_to_pref_voting

__all__ = [
    "budgets_from_pandas",
    "committee_from_pref_voting",
    "committee_to_pref_voting",
    "game_from_nashpy",
    "game_from_pygambit",
    "game_to_nashpy",
    "game_to_pygambit",
    "panel_from_pandas",
    "parse_preflib_text",
    "read_budget_data_csv",
    "read_budgets_csv",
    "read_certificate",
    "read_committee",
    "read_credences",
    "read_game",
    "read_preflib_file",
    "read_relation",
    "read_relation_csv",
    "read_verdict",
    "read_wtp_csv",
    "relation_from_networkx",
    "relation_to_networkx",
]
