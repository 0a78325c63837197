"""Write a report file: HTML (:func:`~coherence.reporting.render_html`) or JSON, atomically."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from coherence.errors import InputError
from coherence.reporting import _html
from coherence.reporting._findings import report_json

__all__ = ["write_report"]


def write_report(path: str | os.PathLike[str], findings: Iterable[Any], *,
                 title: str = "coherence report") -> Path:
    """Write the findings to ``path``: HTML when it ends in ``.html``/``.htm``, else JSON.

    The file is written to a temporary name in the same folder and then renamed, so a
    failed write never leaves half a report. O(size of the report).

    >>> import json, pathlib, tempfile
    >>> from coherence import PreferenceRelation, check
    >>> v = check(PreferenceRelation.from_pairs([("a", "b")]))
    >>> path = write_report(pathlib.Path(tempfile.mkdtemp()) / "report.json", [v])
    >>> json.loads(path.read_text())["findings"][0]["verdict"]["status"]
    'coherent'
    """
    target = Path(path)
    items = list(findings)
    if target.suffix.lower() in (".html", ".htm"):
        text = _html.render_html(items, title=title)
    else:
        text = json.dumps(report_json(items), indent=2) + "\n"
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(f"{path}: folder {folder} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
