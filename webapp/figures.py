"""The app's charts as images for slides: drawn with matplotlib from the very DataFrame a ``gr.BarPlot`` or
``gr.LinePlot`` shows, in the very colours the app gives it.

One ``Chart`` describes a chart once: the app builds its plot from it (:meth:`Chart.plot_args`) and the
download draws it (:func:`chart_png`), so the two cannot drift apart. The series' colours come from one
place too: :func:`series_colours` (checkpoints: :func:`checkpoint_colours`), passed to the app's plots as
``color_map`` and to the drawing here.
"""
from __future__ import annotations

import io
from dataclasses import dataclass

import pandas as pd

from .shared_cache import computed_once

# Okabe and Ito's colour-blind-safe palette, without its green and red: those mean "toward positive" and
# "toward negative" in every coloured text of the app.
PALETTE = ("#0072B2", "#E69F00", "#CC79A7", "#56B4E9", "#F0E442", "#000000", "#999999", "#882255")
# Slides: sharp when projected, small enough to mail (about 2000 x 1000 pixels).
DPI = 200
FIGURE_SIZE = (10, 5)


def series_colours(names) -> dict[str, str]:
    """``{name: colour}``: ``PALETTE``'s colours in the order the names first come (repeated past its end)."""
    unique = list(dict.fromkeys(str(n) for n in names))
    return {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(unique)}


def checkpoint_colours(extra=()) -> dict[str, str]:
    """Each checkpoint's colour in every chart, in the order of the checkpoint picker; ``extra`` names
    (not offered by the picker) come after them."""
    from .checkpoints import checkpoint_names

    return series_colours([*checkpoint_names(), *extra])


@dataclass(frozen=True)
class Chart:
    """A chart of a long-format DataFrame: ``y`` against ``x``, one colour per value of ``color``.

    ``kind``: ``"bar"`` (x nominal, sorted by x, like ``gr.BarPlot(sort="x")``) or ``"line"`` (x numeric);
    ``title``: the plot's label in the app and the image's title.
    """

    x: str
    y: str
    color: str
    title: str
    x_title: str | None = None
    y_title: str | None = None
    y_lim: tuple[float, float] | None = None
    kind: str = "bar"

    def plot_args(self, colours: dict[str, str] | None = None) -> dict:
        """The keyword arguments of the app's ``gr.BarPlot`` / ``gr.LinePlot`` for this chart."""
        args = dict(x=self.x, y=self.y, color=self.color, label=self.title, color_map=colours)
        if self.x_title:
            args["x_title"] = self.x_title
        if self.y_title:
            args["y_title"] = self.y_title
        if self.y_lim:
            args["y_lim"] = list(self.y_lim)
        if self.kind == "bar":
            args.update(sort="x", x_label_angle=-30)
        return args


def bar_figure(frame: pd.DataFrame, chart: Chart, colours: dict[str, str]):
    """The bar chart ``gr.BarPlot`` draws of ``frame``: one bar per x (sorted), coloured by its series; rows
    sharing an x and a series summed, and series sharing an x stacked (Vega-Lite's defaults, which the app's
    plots use). Every series of ``frame`` must have a colour."""
    figure, axes = _axes(chart)
    sums = frame.groupby([chart.x, chart.color], sort=False)[chart.y].sum(min_count=1).dropna()
    positions = {x: i for i, x in enumerate(sorted({x for x, _ in sums.index}))}
    above, below = [0.0] * len(positions), [0.0] * len(positions)
    for series in dict.fromkeys(c for _, c in sums.index):  # one legend entry per series, in data order
        xs, heights, bottoms = [], [], []
        for (x, c), value in sums.items():
            if c != series:
                continue
            i = positions[x]
            stack = above if value >= 0 else below
            xs.append(i)
            heights.append(float(value))
            bottoms.append(stack[i])
            stack[i] += float(value)
        axes.bar(xs, heights, bottom=bottoms, color=colours[str(series)], label=str(series))
    axes.set_xticks(range(len(positions)), labels=list(positions), rotation=30, ha="right",
                    rotation_mode="anchor", fontsize="small" if len(positions) > 20 else None)
    # room below for the slanted labels: long ones ("phenomenon · part · read right · checkpoint") would
    # otherwise squash the bars
    longest = max((len(str(x)) for x in positions), default=0)
    figure.set_size_inches(max(FIGURE_SIZE[0], 0.3 * len(positions)), FIGURE_SIZE[1] + 0.05 * longest)
    axes.axhline(0, color="#444444", linewidth=0.8)
    _legend(axes, chart)
    return figure


def line_figure(frame: pd.DataFrame, chart: Chart, colours: dict[str, str]):
    """The line chart ``gr.LinePlot`` draws of ``frame``: one line per series, in x order."""
    figure, axes = _axes(chart)
    for series, rows in frame.groupby(chart.color, sort=False):
        rows = rows.sort_values(chart.x)
        axes.plot(rows[chart.x], rows[chart.y], color=colours[str(series)], label=str(series), marker=".")
    _legend(axes, chart)
    return figure


def _axes(chart: Chart):
    from matplotlib.figure import Figure  # no pyplot: no global state shared between requests

    figure = Figure(figsize=FIGURE_SIZE, layout="constrained")
    axes = figure.subplots()
    axes.set_title(chart.title, loc="left")
    axes.set_xlabel(chart.x_title or chart.x)
    axes.set_ylabel(chart.y_title or chart.y)
    if chart.y_lim:
        axes.set_ylim(*chart.y_lim)
    axes.grid(axis="y", color="#dddddd")
    axes.set_axisbelow(True)
    return figure, axes


def _legend(axes, chart: Chart) -> None:
    if axes.get_legend_handles_labels()[0]:  # under the chart, as the app's plots have it
        axes.figure.legend(title=chart.color, loc="outside lower center", ncols=4, frameon=False)


def figure_png(figure, dpi: int = DPI) -> bytes:
    """A matplotlib figure as PNG bytes, every text in it drawn as written."""
    from matplotlib.text import Text

    for text in figure.findobj(Text):  # a "$" in a teacher's category name is text, not mathtext (which
        text.set_parse_math(False)      # fails on "$$x^2$$"); per text: rcParams are shared by all requests
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def chart_png(frame: pd.DataFrame, chart: Chart, colours: dict[str, str]) -> bytes | None:
    """``chart`` of ``frame`` in ``colours`` as PNG bytes; None for a frame with no rows (nothing to show)."""
    if frame.empty:
        return None
    draw = line_figure if chart.kind == "line" else bar_figure
    return figure_png(draw(frame, chart, colours))


def shared_chart_png(frame: pd.DataFrame, chart: Chart, colours: dict[str, str]) -> bytes | None:
    """:func:`chart_png`, drawn once per chart, data and colours and shared by every visitor: for charts of
    the shipped reports, which every visitor's page load would otherwise draw again. Not for a visitor's
    own data (the cache keeps every distinct chart)."""
    columns = [chart.x, chart.y, chart.color]
    # NaN is not equal to itself: as None, the same data is the same key
    rows = tuple(tuple(None if pd.isna(v) else v for v in row)
                 for row in frame[columns].itertuples(index=False, name=None))
    return _shared_png(chart, rows, tuple(colours.items()))


@computed_once
def _shared_png(chart: Chart, rows: tuple, colours: tuple) -> bytes | None:
    frame = pd.DataFrame(list(rows), columns=[chart.x, chart.y, chart.color])
    frame[chart.y] = pd.to_numeric(frame[chart.y])
    return chart_png(frame, chart, dict(colours))
