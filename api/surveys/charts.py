"""The results page's charts, drawn on the server as SVG: no script, nothing inline to allow.

Each chart is plain markup with classes (coloured in ``surveys.css``) and a
``<title>``; the page shows the same figures in a table beside each one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from engine.surveys.questionnaire import SCALE

__all__ = ["Series", "building_means", "rate_over_time", "score_distribution", "year_on_year"]

TARGET_PERCENT = 75
WIDTH = 640
LEFT, RIGHT, TOP, BOTTOM = 170, 20, 16, 30  # room for labels around the plot
ROW = 28
SATISFACTION_LABEL = 50  # room after each distribution bar for its satisfaction rate


@dataclass(frozen=True)
class Series:
    """One line of a line chart: its name and its (x label, value) points."""

    name: str
    points: Sequence[tuple[str, float | None]]


def _svg(height: int, title: str, body: list[str], kind: str) -> Markup:
    return Markup(f'<svg class="chart chart-{kind}" viewBox="0 0 {WIDTH} {height}" '
                  f'role="img" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
                  f'<title>{escape(title)}</title>{"".join(body)}</svg>')


def _text(x: float, y: float, words: object, css: str = "", anchor: str = "start") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" class="{css}" text-anchor="{anchor}">'
            f"{escape(words)}</text>")


def _y_axis(top: float, height: float, ticks: Sequence[tuple[float, str]], span: float,
            base: float = 0) -> list[str]:
    parts = []
    for value, label in ticks:
        y = top + height - (value - base) / span * height
        parts.append(f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" '
                     f'y2="{y:.1f}"/>')
        parts.append(_text(LEFT - 6, y + 4, label, "tick", "end"))
    return parts


def rate_over_time(points: Sequence[Mapping[str, Any]], *, title: str,
                   target_label: str) -> Markup:
    """The cumulative return rate day by day, against the 75 % target line."""
    height, plot = 240, 240 - TOP - BOTTOM
    x_span = WIDTH - LEFT - RIGHT
    parts = _y_axis(TOP, plot, [(v, f"{v} %") for v in (0, 25, 50, 75, 100)], 100)
    target_y = TOP + plot - TARGET_PERCENT / 100 * plot
    parts.append(f'<line class="target-line" data-percent="{TARGET_PERCENT}" x1="{LEFT}" '
                 f'x2="{WIDTH - RIGHT}" y1="{target_y:.1f}" y2="{target_y:.1f}"/>')
    parts.append(_text(WIDTH - RIGHT, target_y - 5, target_label, "target-label", "end"))
    step = x_span / max(len(points) - 1, 1)
    coords, dots = [], []
    for i, point in enumerate(points):
        x = LEFT + (i * step if len(points) > 1 else x_span / 2)
        y = TOP + plot - float(point.get("percent") or 0) / 100 * plot
        coords.append(f"{x:.1f},{y:.1f}")
        dots.append(f'<circle class="rate-point" cx="{x:.1f}" cy="{y:.1f}" r="3">'
                    f'<title>{escape(point["date"])}: {point.get("percent")} %</title></circle>')
        if i in (0, len(points) - 1):
            dots.append(_text(x, height - 8, point["date"][5:], "tick", "middle"))
    if len(coords) > 1:
        parts.append(f'<polyline class="rate-line" points="{" ".join(coords)}"/>')
    parts.extend(dots)
    return _svg(height, title, parts, "rate")


def score_distribution(questions: Sequence[tuple[str, str]],
                       overall: Mapping[str, Mapping[str, Any]], *, title: str) -> Markup:
    """One bar per rating question, split by how many answered 1, 2 … 5, its satisfaction rate
    (the share of 4 and 5) written at the end of the bar."""
    height = TOP + ROW * len(questions) + BOTTOM
    x_span = WIDTH - LEFT - RIGHT - SATISFACTION_LABEL
    parts = []
    for row, (question, label) in enumerate(questions):
        figures = overall.get(question, {})
        counts, answered = figures.get("counts", {}), figures.get("answered", 0)
        y = TOP + row * ROW
        share = figures.get("satisfaction", {}).get("percent")
        parts.append(f'<g class="question-bar" data-question="{escape(question)}" '
                     f'data-answered="{answered}" data-satisfaction="{share}">')
        parts.append(_text(LEFT - 6, y + 15, _short(label), "bar-label", "end"))
        x = float(LEFT)
        for point in SCALE:
            n = counts.get(str(point), 0)
            if not answered or not n:
                continue
            width = n / answered * x_span
            parts.append(f'<rect class="scale-{point}" x="{x:.1f}" y="{y + 3}" '
                         f'width="{width:.1f}" height="{ROW - 8}" data-count="{n}">'
                         f"<title>{point}: {n}</title></rect>")
            x += width
        parts.append(_text(LEFT + x_span + 6, y + 15,
                           "–" if share is None else f"{share} %", "tick"))
        parts.append("</g>")
    for point in SCALE:  # the legend
        x = LEFT + (point - 1) * 60
        parts.append(f'<rect class="scale-{point}" x="{x}" y="{height - 18}" width="12" '
                     f'height="12"/>' + _text(x + 16, height - 8, point, "tick"))
    return _svg(height, title, parts, "distribution")


def building_means(questions: Sequence[tuple[str, str]],
                   buildings: Mapping[str, Mapping[str, Any]], *, title: str) -> Markup:
    """Each question's mean score (1–5) per building, a small bar each."""
    codes = list(buildings)
    group = max(len(codes), 1) * 12 + 10
    height = TOP + group * len(questions) + BOTTOM
    x_span = WIDTH - LEFT - RIGHT - 40
    parts = []
    for row, (question, label) in enumerate(questions):
        y = TOP + row * group
        parts.append(_text(LEFT - 6, y + group / 2 + 2, _short(label), "bar-label", "end"))
        for i, code in enumerate(codes):
            mean = buildings[code]["questions"].get(question, {}).get("mean")
            width = (mean or 0) / max(SCALE) * x_span
            bar_y = y + i * 12
            parts.append(f'<rect class="building-{i % 6}" x="{LEFT}" y="{bar_y}" '
                         f'width="{width:.1f}" height="10" data-building="{escape(code)}" '
                         f'data-question="{escape(question)}"/>')
            parts.append(_text(LEFT + width + 4, bar_y + 9,
                               f"{code} {mean if mean is not None else '–'}", "tick"))
    return _svg(height, title, parts, "buildings")


def year_on_year(years: Sequence[str], series: Sequence[Series], *, title: str) -> Markup:
    """Each question's mean score year by year (1–5)."""
    height, plot = 260, 260 - TOP - BOTTOM
    x_span = WIDTH - LEFT - RIGHT
    parts = _y_axis(TOP, plot, [(v, str(v)) for v in SCALE], 4, base=1)
    step = x_span / max(len(years) - 1, 1)
    xs = {year: LEFT + (i * step if len(years) > 1 else x_span / 2)
          for i, year in enumerate(years)}
    for year, x in xs.items():
        parts.append(_text(x, height - 8, year, "tick", "middle"))
    for i, line in enumerate(series):
        coords = [(xs[year], TOP + plot - (value - 1) / 4 * plot)
                  for year, value in line.points if value is not None and year in xs]
        css = f"series-{i % 7}"
        if len(coords) > 1:
            joined = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
            parts.append(f'<polyline class="year-line {css}" points="{joined}"/>')
        parts.extend(f'<circle class="year-point {css}" cx="{x:.1f}" cy="{y:.1f}" r="3">'
                     f"<title>{escape(line.name)}</title></circle>" for x, y in coords)
    return _svg(height, title, parts, "years")


def _short(label: str, length: int = 24) -> str:
    return label if len(label) <= length else label[:length - 1] + "…"
