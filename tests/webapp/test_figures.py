"""webapp/figures.py: the app's charts drawn for slides from the frame the app shows, in its colours."""
import pandas as pd
import pytest
from matplotlib.colors import to_rgba

from webapp import figures

CHART = figures.Chart(x="bar", y="failure rate (%)", color="checkpoint", title="Failed <cases>",
                      x_title="capability · checkpoint", y_lim=(0, 100))
COLOURS = {"big": "#0072B2", "small": "#E69F00"}


def frame():
    # in the app's order (not sorted): the chart sorts by x, as gr.BarPlot(sort="x") does
    return pd.DataFrame({"bar": ["irony · small", "irony · big", "contrast · big"],
                         "checkpoint": ["small", "big", "big"], "failure rate (%)": [75.5, 25.0, 10.0]})


def bars(figure):
    axes = figure.axes[0]
    labels = [t.get_text() for t in axes.get_xticklabels()]
    return [(labels[round(p.get_x() + p.get_width() / 2)], p.get_height(), p.get_y(), p.get_facecolor())
            for p in axes.patches]


def test_each_row_is_a_bar_of_its_height_in_its_checkpoints_colour():
    figure = figures.bar_figure(frame(), CHART, COLOURS)
    assert sorted(bars(figure)) == sorted([("contrast · big", 10.0, 0.0, to_rgba("#0072B2")),
                                           ("irony · big", 25.0, 0.0, to_rgba("#0072B2")),
                                           ("irony · small", 75.5, 0.0, to_rgba("#E69F00"))])
    axes = figure.axes[0]
    assert [t.get_text() for t in axes.get_xticklabels()] == ["contrast · big", "irony · big", "irony · small"]
    assert axes.get_title(loc="left") == "Failed <cases>" and axes.get_ylim() == (0, 100)
    assert axes.get_xlabel() == "capability · checkpoint" and axes.get_ylabel() == "failure rate (%)"
    legend = figure.legends[0]
    assert [t.get_text() for t in legend.get_texts()] == ["small", "big"]


def test_series_sharing_a_bar_are_stacked_as_in_the_app():
    shared = pd.DataFrame({"bar": ["turn", "turn", "turn"], "checkpoint": ["big", "small", "small"],
                           "failure rate (%)": [2.0, 3.0, -1.0]})
    assert sorted(bars(figures.bar_figure(shared, CHART, COLOURS))) == sorted(
        [("turn", 2.0, 0.0, to_rgba("#0072B2")), ("turn", 2.0, 2.0, to_rgba("#E69F00"))])  # small: 3 - 1 summed


def test_the_chart_is_a_png():
    png = figures.chart_png(frame(), CHART, COLOURS)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert figures.chart_png(frame().iloc[:0], CHART, COLOURS) is None  # nothing to show


def test_the_shared_png_is_drawn_once_per_data():
    figures._shared_png.cache_clear()
    with_nan = pd.concat([frame(), pd.DataFrame({"bar": ["x · big"], "checkpoint": ["big"],
                                                 "failure rate (%)": [float("nan")]})])
    first = figures.shared_chart_png(with_nan, CHART, COLOURS)
    assert figures.shared_chart_png(with_nan.copy(), CHART, COLOURS) is first  # NaN included: the same key
    assert figures._shared_png.cache_info().currsize == 1
    assert first == figures.chart_png(with_nan, CHART, COLOURS)
    figures._shared_png.cache_clear()


def test_the_line_chart_draws_each_series_in_its_colour():
    curve = pd.DataFrame({"step": [20, 10, 20], "value": [0.4, 0.7, 0.8],
                          "series": ["training loss", "training loss", "validation accuracy"]})
    chart = figures.Chart(x="step", y="value", color="series", title="Training curve", kind="line")
    colours = figures.series_colours(["training loss", "validation loss", "validation accuracy"])
    lines = figures.line_figure(curve, chart, colours).axes[0].lines
    assert [(line.get_label(), list(line.get_xdata()), list(line.get_ydata()), line.get_color()) for line in lines] == [
        ("training loss", [10, 20], [0.7, 0.4], colours["training loss"]),
        ("validation accuracy", [20], [0.8], colours["validation accuracy"])]
    assert figures.chart_png(curve, chart, colours).startswith(b"\x89PNG")


def test_colours_follow_the_order_of_the_names_and_the_app_gets_the_same_mapping(monkeypatch):
    from webapp import checkpoints

    assert figures.series_colours(["b", "a", "b"]) == {"b": figures.PALETTE[0], "a": figures.PALETTE[1]}
    monkeypatch.setattr(checkpoints, "checkpoint_names", lambda: ["large", "small"])
    assert figures.checkpoint_colours(["other", "large"]) == {"large": figures.PALETTE[0],
                                                              "small": figures.PALETTE[1],
                                                              "other": figures.PALETTE[2]}
    args = CHART.plot_args(COLOURS)
    assert args == dict(x="bar", y="failure rate (%)", color="checkpoint", label="Failed <cases>",
                        color_map=COLOURS, x_title="capability · checkpoint", y_lim=[0, 100], sort="x",
                        x_label_angle=-30)


@pytest.mark.parametrize("chart", ["capability", "tag", "push"])
def test_the_robustness_tabs_plots_and_downloads_share_one_description(chart):
    import gradio as gr

    from webapp import robustness_tab

    described = getattr(robustness_tab, f"{chart.upper()}_CHART")
    plot = gr.BarPlot(**described.plot_args(COLOURS), render=False)
    assert (plot.x, plot.y, plot.color, plot.color_map, plot.label) == (
        described.x, described.y, described.color, COLOURS, described.title)


def test_a_dollar_in_a_name_is_drawn_as_written_not_as_a_formula():
    # a teacher's category "$$x^2$$": mathtext would read it as a formula, and fail on it
    frame = pd.DataFrame({"bar": ["turn · $$x^2$$", "turn · $5"], "failure rate (%)": [1.0, 2.0],
                          "checkpoint": ["$$x^2$$", "$5"]})
    png = figures.chart_png(frame, CHART, {"$$x^2$$": "#000000", "$5": "#ffffff"})
    assert png.startswith(b"\x89PNG")
    figure = figures.bar_figure(frame, CHART, {"$$x^2$$": "#000000", "$5": "#ffffff"})
    figures.figure_png(figure)
    labels = [t.get_text() for t in figure.axes[0].get_xticklabels()]
    assert labels == ["turn · $$x^2$$", "turn · $5"]
