"""Chart geometry for server-drawn SVG (templates/reports/_charts.html draws it).

No JavaScript and no style attributes: the numbers here become SVG presentation attributes,
so the charts show without scripts, obey the CSP and print like the rest of the page.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from elearn.i18n import format_percent

WIDTH = 640
LABEL_W = 200     # bar chart: room for unit names on the left
ROW_H = 26
PLOT_H = 200      # line chart plot height
PAD = 36


@dataclass
class Bar:
    label: str
    value: float | None   # percent
    y: int
    width: float

    @property
    def text(self) -> str:
        return "–" if self.value is None else format_percent(self.value)


@dataclass
class BarChart:
    bars: list[Bar]
    height: int
    plot_x: int = LABEL_W
    plot_w: int = WIDTH - LABEL_W - 60
    width: int = WIDTH
    row_h: int = ROW_H

    @property
    def ticks(self) -> list[tuple[float, int]]:
        return [(self.plot_x + self.plot_w * p / 100, p) for p in (0, 25, 50, 75, 100)]


def bar_chart(items: list[tuple[str, float | None]]) -> BarChart:
    """Horizontal bars of a percentage per label."""
    plot_w = WIDTH - LABEL_W - 60
    bars = [Bar(label if len(label) <= 30 else label[:29] + "…", value, 8 + i * ROW_H,
                0 if value is None else plot_w * max(0.0, min(value, 100.0)) / 100)
            for i, (label, value) in enumerate(items)]
    return BarChart(bars, height=8 + len(bars) * ROW_H + 24)


@dataclass
class LineChart:
    points: str                      # "x,y x,y ..." for <polyline points=...>
    dots: list[tuple[float, float, str]]
    x_labels: list[tuple[float, str]]
    y_ticks: list[tuple[float, int]]
    width: int = WIDTH
    height: int = PLOT_H + 2 * PAD
    left: int = PAD + 20
    bottom: int = PLOT_H + PAD
    right: int = WIDTH - PAD


def _bucket(day: date, monthly: bool) -> date:
    return day.replace(day=1) if monthly else day - timedelta(days=day.weekday())


def line_chart(by_day: list[tuple[str, int]]) -> LineChart | None:
    """Cumulative completions over time, by week (or by month when the span passes a year)."""
    if not by_day:
        return None
    days = [(date.fromisoformat(d), n) for d, n in by_day]
    monthly = (days[-1][0] - days[0][0]).days > 366
    buckets: dict[date, int] = {}
    for d, n in days:
        key = _bucket(d, monthly)
        buckets[key] = buckets.get(key, 0) + n
    keys = sorted(buckets)
    running, series = 0, []
    for k in keys:
        running += buckets[k]
        series.append((k, running))
    left, right, top, bottom = PAD + 20, WIDTH - PAD, PAD, PLOT_H + PAD
    top_value = max(running, 1)
    span = max(len(series) - 1, 1)

    def xy(i: int, v: int) -> tuple[float, float]:
        x = left + (right - left) * (i / span if len(series) > 1 else 0.5)
        return round(x, 1), round(bottom - (bottom - top) * v / top_value, 1)

    coords = [xy(i, v) for i, (_, v) in enumerate(series)]
    fmt = "%m/%Y" if monthly else "%d/%m"
    step = max(1, len(series) // 6)
    labels = [(coords[i][0], series[i][0].strftime(fmt)) for i in range(0, len(series), step)]
    # Each tick at its own value's height: a middle tick of 3 is 2, drawn at 2, not at 1.5.
    ticks = [(xy(0, v)[1], v) for v in sorted({0, round(top_value / 2), top_value})]
    dots = [(x, y, f"{series[i][0].strftime('%d/%m/%Y')}: {series[i][1]}") for i, (x, y) in enumerate(coords)]
    return LineChart(" ".join(f"{x},{y}" for x, y in coords), dots, labels, ticks)
