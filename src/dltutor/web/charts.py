"""Charts as inline SVG, drawn on the server: no JavaScript chart library, nothing fetched.

Every piece of text is escaped here, so templates may insert the result with `|safe`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape


def bar_chart(
    rows: Sequence[tuple[str, float]],
    *,
    title: str,
    width: int = 620,
    label_width: int = 230,
    bar_height: int = 20,
    gap: int = 8,
    compact: bool = False,
) -> str:
    """Horizontal bars for values in [0, 1] (mastery), each labelled and given as a percentage.
    `compact` draws small type for a table cell (the class page)."""
    n = len(rows)
    height = max(1, n) * (bar_height + gap) + gap
    track = width - label_width - 60
    css = "chart bars mini" if compact else "chart bars"
    parts = [
        f'<svg class="{css}" role="img" aria-label="{escape(title)}" '
        f'viewBox="0 0 {width} {height}" width="100%" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (label, value) in enumerate(rows):
        v = min(1.0, max(0.0, float(value)))
        y = gap + i * (bar_height + gap)
        mid = y + bar_height / 2 + (4 if compact else 5)
        fill = track * v if track * v >= 1 else 0  # no sliver for a value that rounds to 0
        parts.append(
            f'<text x="{label_width - 8}" y="{mid:.1f}" text-anchor="end" class="label">'
            f"{escape(label)}</text>"
            f'<rect x="{label_width}" y="{y}" width="{track}" height="{bar_height}" rx="4" '
            f'class="track"/>'
            f'<rect x="{label_width}" y="{y}" width="{fill:.1f}" height="{bar_height}" '
            f'rx="4" class="{_level(v)}"><title>{escape(label)}: {v:.0%}</title></rect>'
            f'<text x="{label_width + track + 8}" y="{mid:.1f}" class="value">{v:.0%}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def activity_chart(
    days: Sequence[tuple[date, int]],
    *,
    title: str,
    unit: str,
    scale: str = "max {n}",
    width: int = 620,
    height: int = 110,
) -> str:
    """One vertical bar per day (count of learning events), oldest on the left. `scale` labels
    the top of the axis, `{n}` standing for the busiest day's count (in the learner's
    language: "最多 {n}")."""
    n = max(1, len(days))
    top = max([c for _, c in days] + [1])
    plot_top, plot_h = 18, height - 28  # room above for the scale, below for the dates
    step = width / n
    bar_w = max(2.0, step - 3)
    parts = [
        f'<svg class="chart activity" role="img" aria-label="{escape(title)}" '
        f'viewBox="0 0 {width} {height}" width="100%" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
        f'<line x1="0" y1="{plot_h}" x2="{width}" y2="{plot_h}" class="axis"/>',
    ]
    for i, (day, count) in enumerate(days):
        h = (plot_h - plot_top) * count / top
        x = i * step + (step - bar_w) / 2
        tip = f"{day.isoformat()}: {count} {unit}"
        parts.append(
            f'<rect x="{x:.1f}" y="{plot_h - h:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
            f'class="{"bar" if count else "bar empty"}"><title>{escape(tip)}</title></rect>'
        )
    if days:
        parts.append(
            f'<text x="0" y="{height - 6}" class="label">{days[0][0].isoformat()}</text>'
            f'<text x="{width}" y="{height - 6}" text-anchor="end" class="label">'
            f"{days[-1][0].isoformat()}</text>"
            f'<text x="0" y="12" class="label">{escape(scale.format(n=top))} {escape(unit)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _level(v: float) -> str:
    return "bar good" if v >= 0.8 else "bar mid" if v >= 0.4 else "bar low"
