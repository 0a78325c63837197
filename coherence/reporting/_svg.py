"""Small inline SVG pictures for reports: a pump cycle, committee votes, a utility ordering.

Every function takes plain JSON values (as found in a certificate's ``to_json()``) and returns
an ``<svg>`` element as a string with all text escaped, so a saved verdict draws the same as
a live one. No dependencies; sizes are linear in the number of items drawn.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

__all__ = ["bars_svg", "curves_svg", "cycle_svg", "ordering_svg", "votes_svg"]

#: colours (also used by the browser check: the pump arrows are drawn in ``PUMP``)
PUMP = "#d62728"
FREE = "#7f7f7f"
YES = "#2ca02c"
NO = "#d62728"
NODE = "#1f77b4"
LEVEL = "#e8f0fa"


def _short(label: Any, width: int = 14) -> str:
    text = str(label)
    return text if len(text) <= width else text[: width - 1] + "…"


def _svg(width: float, height: float, body: list[str], title: str,
         origin: tuple[float, float] = (0.0, 0.0)) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width:.0f}" '
        f'height="{height:.0f}" viewBox="{origin[0]:.0f} {origin[1]:.0f} {width:.0f} '
        f'{height:.0f}" '
        f'font-family="system-ui, sans-serif" font-size="12">'
        f"<title>{escape(title)}</title>" + "".join(body) + "</svg>"
    )


def cycle_svg(cycle: Sequence[Any], fees: Sequence[Any] | None = None, *,
              title: str = "money pump") -> str:
    """The pump as a directed cycle: items on a circle, an arrow per trade labelled with its fee.

    ``cycle[t]`` is held before trade ``t``, which swaps it for ``cycle[t + 1]`` (the last
    trade returns to ``cycle[0]``); paid trades are drawn in red, free ones in grey.
    O(len(cycle)).

    >>> svg = cycle_svg(["rock", "paper", "scissors"], ["1", "0", "1"])
    >>> svg.startswith("<svg"), svg.count('class="trade"'), svg.count(f'stroke="{PUMP}"')
    (True, 3, 2)
    """
    k = len(cycle)
    if k == 0:
        return _svg(10, 10, [], title)
    fees = list(fees) if fees is not None else ["" for _ in cycle]
    radius = max(70.0, 26.0 * k)
    pad = 110.0
    size = 2 * (radius + pad)
    cx = cy = size / 2
    pos = [
        (cx + radius * math.cos(-math.pi / 2 + 2 * math.pi * t / k),
         cy + radius * math.sin(-math.pi / 2 + 2 * math.pi * t / k))
        for t in range(k)
    ]
    body = [
        '<defs>'
        f'<marker id="arrow-paid" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        f'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        f'fill="{PUMP}"/></marker>'
        f'<marker id="arrow-free" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        f'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        f'fill="{FREE}"/></marker></defs>'
    ]
    node_r = 24.0
    extent: list[tuple[float, float]] = []
    for t in range(k):
        fee = fees[t] if t < len(fees) else ""
        parts, middle = _trade_arrow(t, cycle, pos, (cx, cy), fee, node_r)
        body.extend(parts)
        extent.append(middle)
    extent.extend(pos)
    numbered = any(len(str(x)) > 8 for x in cycle)  # long names: numbers and a legend
    for t, (x, y) in enumerate(pos):
        shown = str(t + 1) if numbered else _short(cycle[t], 8)
        body.append(
            f'<g class="item"><circle cx="{x:.1f}" cy="{y:.1f}" r="{node_r}" fill="white" '
            f'stroke="{NODE}" stroke-width="2"/><text x="{x:.1f}" y="{y + 4:.1f}" '
            f'text-anchor="middle">{escape(shown)}</text>'
            f"<title>{escape(str(cycle[t]))}</title></g>"
        )
    margin = 100.0
    x_lo = max(0.0, min(x for x, _ in extent) - margin)
    y_lo = max(0.0, min(y for _, y in extent) - 40.0)
    x_hi = min(size, max(x for x, _ in extent) + margin)
    y_hi = min(size, max(y for _, y in extent) + 40.0)
    if numbered:
        legend, rows = _legend(cycle, x_hi + 10, y_lo + 24)
        body.extend(legend)
        x_hi += 10 + 7.2 * min(_LEGEND_WIDTH, max(len(str(x)) for x in cycle)) + 40
        y_hi = max(y_hi, y_lo + 24 + 16 * rows + 10)
    return _svg(x_hi - x_lo, y_hi - y_lo, body, title, origin=(x_lo, y_lo))


#: characters per line of a cycle's legend (longer names wrap onto further lines)
_LEGEND_WIDTH = 32


def _legend(cycle: Sequence[Any], x: float, y: float) -> tuple[list[str], int]:
    """A numbered list of the cycle's full names, wrapped; and the number of lines used."""
    import textwrap

    body: list[str] = []
    rows = 0
    for t, label in enumerate(cycle):
        lines = textwrap.wrap(str(label), _LEGEND_WIDTH) or [""]
        spans = "".join(
            f'<tspan x="{x + 28:.1f}" dy="{0 if k == 0 else 16}">{escape(line)}</tspan>'
            for k, line in enumerate(lines))
        body.append(f'<g class="legend"><text x="{x:.1f}" y="{y + 16 * rows:.1f}" '
                    f'font-weight="bold" fill="{NODE}">{t + 1}</text>'
                    f'<text x="{x + 28:.1f}" y="{y + 16 * rows:.1f}">{spans}</text></g>')
        rows += len(lines)
    return body, rows


def _trade_arrow(t: int, cycle: Sequence[Any], pos: list[tuple[float, float]],
                 centre: tuple[float, float], fee: Any,
                 node_r: float) -> tuple[list[str], tuple[float, float]]:
    """The arrow of trade ``t`` (bent away from the centre) and its label; and its middle."""
    k = len(cycle)
    (x0, y0), (x1, y1) = pos[t], pos[(t + 1) % k]
    dx, dy = x1 - x0, y1 - y0
    dist = math.hypot(dx, dy) or 1.0
    ux, uy = dx / dist, dy / dist
    # bend each arrow away from the centre (a 2-cycle then shows two arrows)
    mx0, my0 = (x0 + x1) / 2, (y0 + y1) / 2
    ox, oy = mx0 - centre[0], my0 - centre[1]
    norm = math.hypot(ox, oy)
    if norm < 1e-6:
        ox, oy = uy, -ux
    else:
        ox, oy = ox / norm, oy / norm
    bend = 0.22 * dist
    sx, sy = x0 + ux * node_r, y0 + uy * node_r
    ex, ey = x1 - ux * node_r, y1 - uy * node_r
    mx, my = mx0 + ox * bend, my0 + oy * bend
    paid = _is_paid(fee)
    colour, marker = (PUMP, "arrow-paid") if paid else (FREE, "arrow-free")
    lx, ly = (sx + 2 * mx + ex) / 4 + ox * 14, (sy + 2 * my + ey) / 4 + oy * 14 + 4
    anchor = "start" if ox > 0.3 else "end" if ox < -0.3 else "middle"
    label = f"{t + 1}: pays {fee}" if paid else f"{t + 1}: free"
    return [
        f'<path class="trade" d="M{sx:.1f},{sy:.1f} Q{mx:.1f},{my:.1f} {ex:.1f},{ey:.1f}" '
        f'fill="none" stroke="{colour}" stroke-width="2.5" marker-end="url(#{marker})">'
        f"<title>{escape(f'trade {t + 1}: {cycle[t]} → {cycle[(t + 1) % k]}, fee {fee}')}"
        "</title></path>",
        f'<text x="{lx:.1f}" y="{ly:.1f}" text-anchor="{anchor}" '
        f'fill="{colour}">{escape(label)}</text>',
    ], (mx, my)


def _is_paid(fee: Any) -> bool:
    text = str(fee).strip()
    if text in ("", "0", "0ε"):
        return False
    return not text.startswith("-")


#: a vote's mark and colour; booleans are votes for (``True``) or against (``False``)
_VOTES = {"for": ("✓", YES), "against": ("✗", NO), "indifferent": ("=", FREE),
          "abstain": ("", "#eeeeee")}


def _vote(v: Any) -> tuple[str, str]:
    if v is True:
        v = "for"
    elif v is False:
        v = "against"
    return _VOTES.get(str(v), ("", "#eeeeee")) if v is not None else ("", "#eeeeee")


def _voters(trades: Sequence[Mapping[str, Any]],
            members: Sequence[Any] | None) -> list[tuple[str, Any]]:
    """``(row label, key)`` per member: the keys of mapping votes, or the positions of list
    votes (named by ``members`` where given, else ``member k``)."""
    rows: list[tuple[str, Any]] = []
    seen: set[Any] = set()
    for t in trades:
        votes = t.get("votes") or {}
        keys: Sequence[Any] = list(votes) if isinstance(votes, Mapping) else range(len(votes))
        for key in keys:
            if key in seen:
                continue
            seen.add(key)
            if isinstance(key, int) and not isinstance(votes, Mapping):
                name = members[key] if members is not None and key < len(members) else None
                rows.append((str(name) if name not in (None, "") else f"member {key}", key))
            else:
                rows.append((str(key), key))
    return rows


def _cast(votes: Any, key: Any) -> Any:
    if isinstance(votes, Mapping):
        return votes.get(key)
    if isinstance(votes, Sequence) and not isinstance(votes, str) and isinstance(key, int):
        return votes[key] if key < len(votes) else None
    return None


def votes_svg(trades: Sequence[Mapping[str, Any]], *, members: Sequence[Any] | None = None,
              title: str = "committee votes") -> str:
    """A grid of committee votes: one column per trade, one row per member.

    ``trades`` are certificate trade dicts with ``holding``, ``offered`` and ``votes``: either
    a mapping member → bool (a probed committee) or a list with one of ``"for"``,
    ``"against"``, ``"indifferent"``, ``"abstain"`` per member (a committee's pump), whose
    rows are named by ``members`` (``None`` entries as ``member k``). Votes for are ✓, against
    ✗, indifferent =, abstentions empty; trades without votes are empty columns.
    O(trades × members).

    >>> trades = [{"holding": "A", "offered": "B", "votes": {"ann": True, "bob": False}},
    ...           {"holding": "B", "offered": "A", "votes": {"ann": False, "bob": True}}]
    >>> votes_svg(trades).count('class="vote"')
    4
    >>> pump = [{"holding": "a", "offered": "c", "votes": ["against", "for", "indifferent"]}]
    >>> svg = votes_svg(pump, members=["ann", None, "cat"])
    >>> svg.count('class="vote"'), "member 1" in svg, ">cat<" in svg
    (3, True, True)
    """
    rows = _voters(trades, members)
    cell, top = 34.0, 60.0
    left = 24.0 + 7.0 * min(max((len(r) for r, _ in rows), default=5), 24)
    width = left + cell * len(trades) + 20
    height = top + cell * (len(rows) + 1) + 20
    body = []
    for c, t in enumerate(trades):
        x = left + c * cell + cell / 2
        holding, offered = t.get("holding"), t.get("offered")
        head = f"{_short(holding, 6)}→{_short(offered, 6)}"
        body.append(
            f'<text x="{x:.1f}" y="{top - 8:.1f}" text-anchor="start" '
            f'transform="rotate(-35 {x:.1f} {top - 8:.1f})">{escape(head)}'
            f"<title>{escape(f'{holding} → {offered}')}</title></text>"
        )
    for r, (label, key) in enumerate(rows):
        y = top + r * cell
        body.append(f'<text x="{left - 8:.1f}" y="{y + cell / 2 + 4:.1f}" '
                    f'text-anchor="end">{escape(_short(label, 24))}'
                    f"<title>{escape(label)}</title></text>")
        for c, t in enumerate(trades):
            mark, fill = _vote(_cast(t.get("votes"), key))
            x = left + c * cell
            body.append(
                f'<rect class="vote" x="{x + 2:.1f}" y="{y + 2:.1f}" width="{cell - 4:.1f}" '
                f'height="{cell - 4:.1f}" rx="4" fill="{fill}"/><text x="{x + cell / 2:.1f}" '
                f'y="{y + cell / 2 + 5:.1f}" text-anchor="middle" fill="white" '
                f'font-size="15">{mark}</text>'
            )
    y = top + len(rows) * cell
    body.append(f'<text x="{left - 8:.1f}" y="{y + cell / 2 + 4:.1f}" text-anchor="end" '
                'font-weight="bold">trade</text>')
    for c, t in enumerate(trades):
        acc = t.get("accepted", True)
        body.append(
            f'<text x="{left + c * cell + cell / 2:.1f}" y="{y + cell / 2 + 4:.1f}" '
            f'text-anchor="middle" font-weight="bold">{"yes" if acc else "no"}</text>'
        )
    return _svg(width, height, body, title)


def ordering_svg(utility: Mapping[str, Any], *, title: str = "utility ordering",
                 max_levels: int = 30, per_row: int = 10) -> str:
    """Items stacked by utility, best on top: one band per utility level.

    Values are compared as numbers when they parse as such (``"3/2"`` included), else as
    text. At most ``max_levels`` bands and ``per_row`` items per band are drawn.
    O(n log n).

    >>> svg = ordering_svg({"apple": 3, "banana": 1, "cherry": "3"})
    >>> svg.count('class="item"'), svg.index("u = 3") < svg.index("u = 1")
    (3, True)
    """
    from fractions import Fraction

    def key(v: Any) -> Any:
        try:
            return (0, Fraction(str(v)))
        except (ValueError, ZeroDivisionError):
            return (1, str(v))

    levels: dict[Any, list[str]] = {}
    for item, v in utility.items():
        levels.setdefault(key(v), []).append(str(item))
    order = sorted(levels, reverse=True)
    shown = order[:max_levels]
    box_w, box_h, gap, left = 92.0, 26.0, 8.0, 70.0
    widest = max((min(len(levels[k]), per_row + 1) for k in shown), default=1)
    width = left + widest * (box_w + gap) + 20
    height = 30 + len(shown) * (box_h + 2 * gap) + (20 if len(order) > len(shown) else 0)
    body = [
        f'<text x="12" y="18" fill="{NODE}" font-weight="bold">better ↑</text>'
    ]
    for r, k in enumerate(shown):
        y = 30 + r * (box_h + 2 * gap)
        body.append(f'<rect x="{left - 6:.1f}" y="{y - gap / 2:.1f}" '
                    f'width="{width - left - 6:.1f}" height="{box_h + gap:.1f}" '
                    f'fill="{LEVEL}" rx="4"/>')
        value = k[1]
        body.append(f'<text x="{left - 12:.1f}" y="{y + box_h / 2 + 4:.1f}" '
                    f'text-anchor="end">u = {escape(str(value))}</text>')
        names = levels[k]
        for c, name in enumerate(names[:per_row]):
            x = left + c * (box_w + gap)
            body.append(
                f'<g class="item"><rect x="{x:.1f}" y="{y:.1f}" width="{box_w}" '
                f'height="{box_h}" rx="6" fill="white" stroke="{NODE}" stroke-width="1.5"/>'
                f'<text x="{x + box_w / 2:.1f}" y="{y + box_h / 2 + 4:.1f}" '
                f'text-anchor="middle">{escape(_short(name, 12))}</text>'
                f"<title>{escape(name)}</title></g>"
            )
        if len(names) > per_row:
            x = left + per_row * (box_w + gap)
            body.append(f'<text x="{x:.1f}" y="{y + box_h / 2 + 4:.1f}">'
                        f"+{len(names) - per_row} more</text>")
    if len(order) > len(shown):
        body.append(f'<text x="{left:.1f}" y="{height - 6:.1f}">… {len(order) - len(shown)} '
                    "lower levels not drawn</text>")
    return _svg(width, height, body, title)


def bars_svg(values: Mapping[str, Any], *, title: str = "values", max_bars: int = 40) -> str:
    """A bar per key (e.g. a Dutch book's net payoff in each state, or a probability).

    Values are numbers or exact strings such as ``"-1/5"``; negative bars point down in red,
    positive ones up in green. At most ``max_bars`` bars are drawn. O(bars).

    >>> svg = bars_svg({"rain": "-1/5", "sun": "-1/5", "snow": "1/10"})
    >>> svg.count('class="bar"'), svg.count(f'fill="{NO}"')
    (3, 2)
    """
    from fractions import Fraction

    entries = []
    for k, v in list(values.items())[:max_bars]:
        try:
            entries.append((str(k), Fraction(str(v))))
        except (ValueError, ZeroDivisionError):
            continue
    if not entries:
        return _svg(10, 10, [], title)
    top = max(max(v for _, v in entries), Fraction(0))
    bottom = min(min(v for _, v in entries), Fraction(0))
    span = float(top - bottom) or 1.0
    bar_w, gap, plot_h, left = 46.0, 14.0, 140.0, 20.0
    width = left + len(entries) * (bar_w + gap) + 20
    height = plot_h + 70
    zero_y = 20 + plot_h * float(top) / span
    body = [f'<line x1="{left - 6:.1f}" y1="{zero_y:.1f}" x2="{width - 10:.1f}" '
            f'y2="{zero_y:.1f}" stroke="#555"/>']
    for c, (k, v) in enumerate(entries):
        x = left + c * (bar_w + gap)
        h = plot_h * abs(float(v)) / span
        y = zero_y - h if v > 0 else zero_y
        colour = YES if v > 0 else NO
        body.append(f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{bar_w}" '
                    f'height="{max(h, 1.0):.1f}" fill="{colour}"><title>{escape(f"{k}: {v}")}'
                    "</title></rect>")
        ty = y - 4 if v > 0 else y + h + 14
        body.append(f'<text x="{x + bar_w / 2:.1f}" y="{ty:.1f}" text-anchor="middle">'
                    f"{escape(str(v))}</text>")
        body.append(f'<text x="{x + bar_w / 2:.1f}" y="{height - 8:.1f}" '
                    f'text-anchor="middle">{escape(_short(k, 8))}</text>')
    return _svg(width, height, body, title)


#: line colours of :func:`curves_svg`, one per series in turn
SERIES = ("#d62728", "#1f77b4", "#2ca02c", "#9467bd")


def curves_svg(series: Mapping[str, Sequence[Sequence[float]]], *, title: str = "curves",
               x_label: str = "x", y_label: str = "y") -> str:
    """A line per series of ``(x, y)`` points (e.g. the share of preferences that flip against
    the size of a perturbation, along stiff and along flat directions), with a legend; the
    x axis is logarithmic when the x values are positive and span two decades or more.
    Points that are not two finite numbers are left out. O(points).

    >>> svg = curves_svg({"stiff": [[0, 0], [1, 0.5]], "flat": [[0, 0], [1, 0]]})
    >>> svg.count("<polyline"), "stiff" in svg
    (2, True)
    """
    clean: dict[str, list[tuple[float, float]]] = {}
    for name, pts in series.items():
        got = []
        for p in pts:
            try:
                x, y = float(p[0]), float(p[1])
            except (TypeError, ValueError, IndexError):
                continue
            if math.isfinite(x) and math.isfinite(y):
                got.append((x, y))
        if got:
            clean[str(name)] = sorted(got)
    if not clean:
        return _svg(10, 10, [], title)
    xs = [x for pts in clean.values() for x, _ in pts]
    ys = [y for pts in clean.values() for _, y in pts]
    log_x = min(xs) > 0 and max(xs) / min(xs) >= 100  # sizes spread over decades
    if log_x:
        clean = {k: [(math.log10(x), y) for x, y in pts] for k, pts in clean.items()}
        xs = [math.log10(x) for x in xs]
    x0, x1 = min(xs), max(xs)
    y0, y1 = min(min(ys), 0.0), max(max(ys), 0.0)
    left, top, w, h = 56.0, 16.0, 320.0, 160.0
    sx = (lambda x: left + w * (x - x0) / (x1 - x0)) if x1 > x0 else (lambda x: left + w / 2)
    sy = (lambda y: top + h * (y1 - y) / (y1 - y0)) if y1 > y0 else (lambda y: top + h / 2)
    body = [f'<line x1="{left}" y1="{top + h}" x2="{left + w}" y2="{top + h}" stroke="#555"/>',
            f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + h}" stroke="#555"/>',
            f'<text x="{left + w / 2:.1f}" y="{top + h + 34:.1f}" text-anchor="middle">'
            f"{escape(x_label + (' (log scale)' if log_x else ''))}</text>",
            f'<text x="14" y="{top + h / 2:.1f}" text-anchor="middle" '
            f'transform="rotate(-90 14 {top + h / 2:.1f})">{escape(y_label)}</text>']
    for v, anchor in ((x0, "start"), (x1, "end")):
        shown = 10 ** v if log_x else v
        body.append(f'<text x="{sx(v):.1f}" y="{top + h + 16:.1f}" text-anchor="{anchor}">'
                    f"{shown:.3g}</text>")
    for v in (y0, y1):
        body.append(f'<text x="{left - 6:.1f}" y="{sy(v) + 4:.1f}" text-anchor="end">'
                    f"{v:.3g}</text>")
    for c, (name, pts) in enumerate(clean.items()):
        colour = SERIES[c % len(SERIES)]
        coords = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in pts)
        body.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" '
                    f'points="{coords}"><title>{escape(name)}</title></polyline>')
        ly = top + 14 + 16 * c
        body.append(f'<line x1="{left + w + 12}" y1="{ly - 4}" x2="{left + w + 32}" '
                    f'y2="{ly - 4}" stroke="{colour}" stroke-width="2"/>')
        body.append(f'<text x="{left + w + 36}" y="{ly:.1f}">{escape(_short(name))}</text>')
    return _svg(left + w + 130, top + h + 44, body, title)
