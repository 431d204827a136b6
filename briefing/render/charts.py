"""Charts as inline SVG, drawn here from counts: no browser, no network, no scripts, no URLs.

Every label is escaped with ``html.escape``; colours are validated hex values from the config or
the built-in palette. The SVG uses the bundled "Briefing Sans" font through the document's
@font-face rules, with system fallbacks for the HTML edition.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

_FONT = "'Briefing Sans','Noto Sans','DejaVu Sans',sans-serif"
_STYLE = (
    f"<style>text{{font-family:{_FONT};font-size:10.5px;fill:#222}}"
    ".legend{font-size:9.5px}.value{font-size:9.5px;fill:#333}.tick{font-size:8.5px;fill:#666}"
    ".axis-label{font-size:9px;fill:#555}.grid{stroke:#e2e2e2;stroke-width:0.75}"
    ".axis{stroke:#777;stroke-width:0.9}</style>"
)


@dataclass(frozen=True)
class Segment:
    value: int
    color: str
    name: str = ""


@dataclass(frozen=True)
class Bar:
    """One horizontal bar: a label and one or more stacked segments."""

    label: str
    segments: Sequence[Segment]

    @property
    def total(self) -> int:
        return sum(s.value for s in self.segments)


def _ticks(peak: int) -> list[int]:
    """0 and round steps (1, 2 or 5 times a power of ten) up to at least ``peak``, at most 6 ticks."""
    if peak <= 0:
        return [0, 1]
    raw = peak / 5
    power = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = next((m * power for m in (1, 2, 5, 10) if m * power >= raw), 10 * power)
    step = max(int(step), 1)
    top = step * math.ceil(peak / step)
    return list(range(0, top + 1, step))


def _text_width(text: str, size: float = 10.5) -> float:
    """A rough width for layout: wide CJK glyphs count double."""
    return sum(size * (1.0 if ord(c) > 0x2E80 else 0.56) for c in text)


def _clip(text: str, width: float) -> str:
    if _text_width(text) <= width:
        return text
    while text and _text_width(text + "\u2026") > width:
        text = text[:-1]
    return text.rstrip() + "\u2026"


def bar_chart(
    groups: Sequence[tuple[str, Sequence[Bar]]],
    *,
    label: str,
    legend: Sequence[tuple[str, str]] = (),
    axis_label: str = "",
    width: int = 640,
) -> Markup:
    """Horizontal bars, optionally grouped (a group label left of its bars) and stacked.

    ``groups`` is [(group label, [Bar ...])]; a group with one bar puts the bar's label in the
    group position. ``legend`` is [(name, colour)]. Values are printed at the end of each bar.
    """
    esc = html.escape
    label_w, value_w = 150, 40
    bar_h, bar_gap, group_gap = 14, 3, 9
    plot_x = label_w
    plot_w = width - label_w - value_w
    parts: list[str] = []

    top = 4
    if legend:
        x = float(plot_x)
        for name, color in legend:
            parts.append(f'<rect x="{x:.1f}" y="4" width="9" height="9" fill="{esc(color)}"/>')
            parts.append(f'<text x="{x + 13:.1f}" y="12" class="legend">{esc(name)}</text>')
            x += 26 + _text_width(name, 9.5)
        top = 22

    peak = max((bar.total for _, bars in groups for bar in bars), default=0)
    ticks = _ticks(peak)
    scale = plot_w / ticks[-1]

    y = top
    rows: list[str] = []
    for group, bars in groups:
        # The group label sits level with the middle of its bars; the legend names the bars.
        group_h = len(bars) * (bar_h + bar_gap) - bar_gap
        rows.append(
            f'<text x="{label_w - 8}" y="{y + group_h / 2 + 3.5:.1f}" text-anchor="end">'
            f"{esc(_clip(group, label_w - 12))}</text>"
        )
        for bar in bars:
            x = float(plot_x)
            for segment in bar.segments:
                if segment.value <= 0:
                    continue
                w = segment.value * scale
                title = f"<title>{esc(segment.name)}: {segment.value}</title>" if segment.name else ""
                rows.append(
                    f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{esc(segment.color)}">'
                    f"{title}</rect>"
                )
                x += w
            rows.append(f'<text x="{x + 4:.1f}" y="{y + bar_h - 3}" class="value">{bar.total}</text>')
            y += bar_h + bar_gap
        y += group_gap - bar_gap
    bottom = max(y - group_gap + 3, top + 10)

    for tick in ticks:
        tx = plot_x + tick * scale
        parts.append(f'<line x1="{tx:.1f}" y1="{top - 2}" x2="{tx:.1f}" y2="{bottom}" class="grid"/>')
        parts.append(f'<text x="{tx:.1f}" y="{bottom + 11}" text-anchor="middle" class="tick">{tick}</text>')
    parts.extend(rows)
    parts.append(f'<line x1="{plot_x}" y1="{top - 2}" x2="{plot_x}" y2="{bottom}" class="axis"/>')
    height = bottom + 14
    if axis_label:
        parts.append(
            f'<text x="{plot_x + plot_w / 2:.1f}" y="{bottom + 25}" text-anchor="middle" class="axis-label">'
            f"{esc(axis_label)}</text>"
        )
        height += 12
    return Markup(
        '<svg class="chart" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'aria-label="{esc(label)}" viewBox="0 0 {width} {height}" width="{width}" height="{height}">'
        f"<title>{esc(label)}</title>{_STYLE}{''.join(parts)}</svg>"
    )


def lighten(color: str, amount: float = 0.55) -> str:
    """The colour mixed with white (``amount`` 0 = unchanged, 1 = white)."""
    digits = color.lstrip("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    rgb = [int(digits[i : i + 2], 16) for i in (0, 2, 4)]
    return "#" + "".join(f"{round(c + (255 - c) * amount):02x}" for c in rgb)
