"""Why does BERT get this review wrong? A Gradio app: a lesson, classify, explain, study the mistakes,
robustness, patterns in your own reviews, contrast, the models.

    python app.py            # http://127.0.0.1:7860 ; GRADIO_SERVER_NAME=0.0.0.0 to serve others

``build_demo`` lays out the page: the checkpoint picker, then one function per tab, in the tabs' order
(``add_lesson_tab`` ... ``add_model_tab``), each placing its components and wiring its events. The work
behind each tab is in ``webapp/<tab>_tab.py`` (``webapp/lesson_tab.py`` ... ``webapp/model_tab.py``).
"""
from __future__ import annotations

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr  # noqa: E402

from webapp import (checkpoints, classify_tab, contrast_tab, examples, explain_tab, explanations,  # noqa: E402
                    figures, lesson_tab, mistakes_tab, model_tab, patterns_tab, robustness_tab, warm_up)
from webapp.errors import SpeakingBlocks, user_errors  # noqa: E402
from webapp.memory import limit_arenas, releasing_memory  # noqa: E402

INTRO = """# Why does BERT get this review wrong?
A BERT-family classifier fine-tuned on IMDB's training reviews. Paste a review to see
its verdict, which words pushed it there, and where models like it go wrong:
irony, contrasts that end badly, praise phrased through negations."""

# Explanations cost about a second of CPU each; more at once would only queue inside torch.
EXPLAIN_CONCURRENCY = 2
# Lesson steps are computed once and shared (webapp/warm_up.py computes them before the app listens), so a
# step is answered in milliseconds: a class of fifty is served in its own queue, not behind explanations.
LESSON_CONCURRENCY = 8
# CSV files classified at once: four at once with two long explanations peaked at 2.85 GB (issue 23's probe),
# one at a time at 1.27 GiB (`python -m benchmarks.app_load --scenario csv`); more would share the same CPUs.
CSV_CONCURRENCY = 1
# Requests waiting beyond this are turned away with "queue full" rather than held for minutes.
QUEUE_MAX_SIZE = 64
# Files Gradio writes for visitors (CSV downloads, uploads) are removed after an hour, checked hourly.
DELETE_CACHE = (3600, 3600)


def handler(function):
    """A tab's work as Gradio runs it: errors for people as messages, the memory it freed given back."""
    return user_errors(releasing_memory(function))


def attribution_view(title: str) -> gr.HTML:
    """A coloured text (``explain.render.highlighted_html``) under its title, in a column of its own."""
    with gr.Column():
        gr.Markdown(f"**{title}**")
        return gr.HTML()


def download_button(what: str) -> gr.DownloadButton:
    """A view's download for slides (webapp/downloads.py), filled by the handler that fills the view."""
    return gr.DownloadButton(f"Download {what}", size="sm")


def side_by_side(left: str, right: str) -> list:
    """Two texts' verdicts and attributions side by side, and the words whose scores moved most:
    the outputs of ``webapp.explanations.contrast``, in its order."""
    with gr.Row():
        labels = [gr.Label(label=name, num_top_classes=2) for name in (left, right)]
    with gr.Row():
        views = [attribution_view(name) for name in (left, right)]
    moved = gr.Dataframe(label="Words whose scores moved most", interactive=False,
                         headers=explanations.MOVED_COLUMNS)  # not Gradio's "1 2 3" before the first contrast
    return [*labels, *views, moved]


def build_demo() -> gr.Blocks:
    """The app's page: the intro, the checkpoint picker, the eight tabs in order, and the queue."""
    limit_arenas()  # before Gradio starts its worker threads
    names = checkpoints.checkpoint_names()  # names only: server paths never reach a client
    with SpeakingBlocks(title="Why does BERT get this review wrong?", delete_cache=DELETE_CACHE) as demo:
        gr.Markdown(INTRO)
        checkpoint = gr.Dropdown(choices=names, value=names[0] if names else None, label="Checkpoint")
        add_lesson_tab(demo, checkpoint)
        review = add_classify_tab(checkpoint)
        add_explain_tab(checkpoint, review)
        add_mistakes_tab(demo)
        add_robustness_tab(demo)
        add_patterns_tab(checkpoint)
        add_contrast_tab(checkpoint, review, names)
        add_model_tab(demo, checkpoint)
    demo.queue(default_concurrency_limit=4, max_size=QUEUE_MAX_SIZE)
    return demo


def add_lesson_tab(demo: gr.Blocks, checkpoint: gr.Dropdown) -> None:
    """Tab 0, Lesson: one step at a time (slider, Previous and Next), shown by the picked checkpoint; the
    first step is shown when the page loads."""
    with gr.Tab("Lesson"):
        gr.Markdown(lesson_tab.INTRO)
        with gr.Row():
            previous_step = gr.Button("Previous", scale=1)
            lesson_number = gr.Slider(1, lesson_tab.n_steps(), value=1, step=1, label="Step", scale=4)
            next_step = gr.Button("Next", variant="primary", scale=1)
        lesson_heading = gr.Markdown()
        lesson_note = gr.Markdown()
        lesson_example = gr.HTML()
        gr.Markdown("**A minimal pair**: the same review with one change.")
        with gr.Row():
            lesson_original = gr.Textbox(label="Original", lines=2, interactive=False)
            lesson_edit = gr.Textbox(label="Minimal edit", lines=2, interactive=False)
        lesson_pair = side_by_side("Original", "Minimal edit")
        lesson_download = download_button("this step (HTML)")
        lesson_outputs = [lesson_heading, lesson_note, lesson_example, lesson_original, lesson_edit,
                          *lesson_pair, lesson_download]
        lesson_number.change(handler(lesson_tab.lesson_step), [checkpoint, lesson_number], lesson_outputs,
                             api_name="lesson", concurrency_limit=LESSON_CONCURRENCY,
                             concurrency_id="lesson", preprocess=False)
        previous_step.click(lambda n: max(1, int(n) - 1), [lesson_number], [lesson_number], api_name=False)
        next_step.click(lambda n: min(lesson_tab.n_steps(), int(n) + 1), [lesson_number], [lesson_number],
                        api_name=False)
        demo.load(handler(lesson_tab.lesson_step), [checkpoint, lesson_number], lesson_outputs, api_name=False,
                  concurrency_limit=LESSON_CONCURRENCY, concurrency_id="lesson")


def add_classify_tab(checkpoint: gr.Dropdown) -> gr.Textbox:
    """Tab 1, Classify: a pasted review (or an example) and its verdict, or a CSV of reviews classified.
    Returns the review's text box, which the Explain and Contrast tabs follow."""
    example_texts = examples.all_examples()
    with gr.Tab("Classify"):
        with gr.Row():
            with gr.Column(scale=3):
                review = gr.Textbox(label="Review", lines=8,
                                    placeholder="Paste a movie review")
                classify_button = gr.Button("Classify", variant="primary")
            with gr.Column(scale=2):
                label = gr.Label(label="Prediction", num_top_classes=2)
                length = gr.Markdown()
        gr.Examples([[text] for _, text in example_texts], inputs=[review], label="Examples",
                    example_labels=[name for name, _ in example_texts], cache_examples=False)
        with gr.Accordion("What goes wrong in each example", open=False):
            gr.Markdown(examples.misreading_notes())
        with gr.Accordion(f"A CSV of reviews (a 'review' or 'text' column, up to {classify_tab.MAX_CSV_ROWS:,} "
                          f"rows; its other columns come back with the verdicts)",
                          open=False):
            csv_in = gr.File(label="CSV file", file_types=[".csv"])
            csv_button = gr.Button("Classify the file")
            csv_out = gr.File(label="Predictions")
            csv_note = gr.Markdown()
        classify_button.click(handler(classify_tab.classify_for_app), [checkpoint, review], [label, length],
                              api_name="classify")
        csv_button.click(handler(classify_tab.classify_csv_for_app), [checkpoint, csv_in], [csv_out, csv_note],
                         api_name="classify_csv", concurrency_limit=CSV_CONCURRENCY, concurrency_id="csv")
    return review


def add_explain_tab(checkpoint: gr.Dropdown, review: gr.Textbox) -> None:
    """Tab 2, Explain: the review (following the Classify tab's ``review``) explained by integrated gradients
    or occlusion, with the strongest words and how far to trust the scores."""
    with gr.Tab("Explain"):
        explain_review = gr.Textbox(label="Review to explain (follows the Classify tab)", lines=5)
        with gr.Row():
            method = gr.Radio([("integrated gradients", "ig"), ("occlusion", "occlusion")], value="ig",
                              label="Method")
            n_steps = gr.Slider(0, explain_tab.MAX_STEPS, value=explain_tab.AUTO_STEPS, step=4,
                                label="Integration steps (0 = automatic: placed where the margin changes, "
                                      "refined until the check passes)")
            check_occlusion = gr.Checkbox(label="Also measure agreement with occlusion (slower)")
        explain_button = gr.Button("Explain", variant="primary")
        gr.Markdown("Green words pushed the prediction **toward positive**, red ones **toward negative**; "
                    "the stronger the colour, the stronger the push. Hover a word for its push.")
        verdict = gr.Markdown()
        highlighted = gr.HTML(elem_id="attributions")
        explain_download = download_button("the explanation (HTML)")
        with gr.Row():
            top_words = gr.Dataframe(label="Strongest words", interactive=False,
                                     headers=explain_tab.STRONGEST_COLUMNS)
            trust = gr.Markdown()
        review.change(lambda text: text, [review], [explain_review], api_name=False)
        explain_button.click(handler(explain_tab.explain_for_app),
                             [checkpoint, explain_review, method, n_steps, check_occlusion],
                             [verdict, highlighted, top_words, trust, explain_download], api_name="explain",
                             concurrency_limit=EXPLAIN_CONCURRENCY, concurrency_id="explain",
                             preprocess=False)  # the handler checks each value and names what is wrong


def add_mistakes_tab(demo: gr.Blocks) -> None:
    """Tab 3, Mistakes: the lab report's four reviews pinned, the test reviews the shipped checkpoints misread
    (filtered by comparison, confidence and tag), and one review explained by both checkpoints."""
    with gr.Tab("Mistakes"):
        gr.Markdown(mistakes_tab.INTRO)
        pinned = gr.Dataframe(label="The lab report's four reviews, misread by its BERT-base",
                              interactive=False, wrap=True, elem_id="report-reviews",
                              column_widths=["15%", "8%", "12%", "12%", "53%"])
        pinned_note = gr.Markdown()
        with gr.Row():
            comparison = gr.Radio(mistakes_tab.comparison_choices(), value="all", label="Which mistakes")
            min_confidence = gr.Slider(0.5, 1.0, value=0.5, step=0.05,
                                       label="Only where the wrong model was at least this sure")
        tag = gr.Dropdown(mistakes_tab.tag_choices(), value=mistakes_tab.ANY_TAG,
                          label="Only reviews with this tag of the error taxonomy (beside each: how often the "
                                f"large checkpoint, {mistakes_tab.LARGE}, misreads the test reviews with it and "
                                "without it)")
        counts = gr.Markdown()
        mistake_table = gr.Dataframe(label="Misclassified test reviews (select one)", interactive=False,
                                     max_height=400)
        review_id = gr.Textbox(label="Review id", placeholder="e.g. test/neg/8977_4")
        show_button = gr.Button("Show and explain with both checkpoints")
        shown = gr.Markdown()
        with gr.Row():
            small_view = attribution_view(mistakes_tab.VIEW_TITLES[0])
            large_view = attribution_view(mistakes_tab.VIEW_TITLES[1])
        mistake_download = download_button("both views (HTML)")
        # preprocess=False: filter_mistakes checks the values itself and says what is wrong with one; Gradio's
        # checks of a Radio or a Slider fail without a message on a string or null, and let NaN through. The tag
        # comes last, with a default: callers of /mistakes that send two values (gradio_client) still work
        for control in (comparison, min_confidence, tag):
            control.change(handler(mistakes_tab.filter_mistakes), [comparison, min_confidence, tag],
                           [mistake_table, counts], api_name=False, preprocess=False)
        demo.load(handler(mistakes_tab.filter_mistakes), [comparison, min_confidence, tag], [mistake_table, counts],
                  api_name="mistakes", preprocess=False)
        demo.load(handler(mistakes_tab.pinned_table), None, pinned, api_name="report_reviews")
        demo.load(handler(mistakes_tab.pinned_note), None, pinned_note, api_name=False)
        mistake_table.select(mistakes_tab.id_from_selection, None, review_id, api_name=False)
        pinned.select(mistakes_tab.id_from_selection, None, review_id, api_name=False)
        show_button.click(handler(mistakes_tab.show_review), [review_id],
                          [shown, small_view, large_view, mistake_download],
                          api_name="show_mistake", concurrency_limit=EXPLAIN_CONCURRENCY,
                          concurrency_id="explain")


def add_robustness_tab(demo: gr.Blocks) -> None:
    """Tab 4, Robustness: each checkpoint's failure rates from its saved robustness report (charts and
    tables, drawn when the page loads), and one failing case explained beside its original."""
    with gr.Tab("Robustness"):
        gr.Markdown(robustness_tab.INTRO)
        robustness_note = gr.Markdown()
        # one colour per checkpoint in every chart, the same in the downloaded images
        chart_colours = figures.checkpoint_colours()
        capability_chart = gr.BarPlot(**robustness_tab.CAPABILITY_CHART.plot_args(chart_colours))
        capability_download = download_button("the chart (PNG)")
        tag_chart = gr.BarPlot(**robustness_tab.TAG_CHART.plot_args(chart_colours))
        tag_download = download_button("the chart (PNG)")
        gr.Markdown(robustness_tab.LIFT_CAVEAT)
        with gr.Row():
            pair_summary = gr.Dataframe(label="Contrast pairs (CAD dev)", interactive=False)
            tag_table = gr.Dataframe(label="Error taxonomy of the test-set mistakes", interactive=False)
        gr.Markdown(robustness_tab.PUSH_NOTE)
        push_chart = gr.BarPlot(**robustness_tab.PUSH_CHART.plot_args(chart_colours))
        push_download = download_button("the chart (PNG)")
        push_table = gr.Dataframe(label="Where the push sits, with 95% intervals", interactive=False,
                                  max_height=300)
        cases = gr.Dataframe(label="Every failing case: contrast pairs and behavioural cases (select one)",
                             interactive=False, wrap=True, max_height=300,
                             column_widths=["13%", "12%", "9%", "8%", "15%", "31%", "12%"])
        case_key = gr.Textbox(label="Case", placeholder="e.g. minilm-imdb-25k|pair|122")
        case_button = gr.Button("Explain the case", variant="primary")
        with gr.Row():
            case_original = gr.Textbox(label="Original (where the case has one)", lines=4, interactive=False)
            case_variant = gr.Textbox(label="The case", lines=4, interactive=False)
        case_comparison = side_by_side("Original", "The case")
        case_note = gr.Markdown()
        case_parts = gr.HTML()
        case_download = download_button("the case (HTML)")
        demo.load(handler(robustness_tab.overview), None,
                  [robustness_note, capability_chart, tag_chart, tag_table, pair_summary, cases, push_chart,
                   push_table, capability_download, tag_download, push_download],
                  api_name="robustness")
        cases.select(robustness_tab.key_from_selection, None, case_key, api_name=False)
        case_button.click(handler(robustness_tab.compare_case), [case_key],
                          [case_original, case_variant, *case_comparison, case_note, case_parts,
                           case_download],
                          api_name="robustness_case", concurrency_limit=EXPLAIN_CONCURRENCY,
                          concurrency_id="explain")


def add_patterns_tab(checkpoint: gr.Dropdown) -> None:
    """Tab 5, Patterns: a teacher's CSV read for patterns per category (summary, chart, tables, a page to
    download), and a selected row explained."""
    with gr.Tab("Patterns"):
        gr.Markdown(patterns_tab.INTRO)
        with gr.Row():
            patterns_csv = gr.File(label="CSV file", file_types=[".csv"])
            with gr.Column():
                patterns_category = gr.Textbox(label="Category column (optional)", placeholder="e.g. phenomenon")
                patterns_button = gr.Button("Find the patterns", variant="primary")
        patterns_summary = gr.Markdown()
        patterns_chart = gr.BarPlot(**patterns_tab.CHART.plot_args())  # colours: each file's categories
        patterns_chart_download = download_button("the chart (PNG)")
        patterns_table = gr.Dataframe(label="The push per part of a review", interactive=False,
                                      headers=patterns_tab.TABLE_COLUMNS)
        patterns_rows = gr.Dataframe(label="The rows (select one to see its explanation)", interactive=False,
                                     wrap=True, max_height=320, headers=patterns_tab.ROW_COLUMNS)
        patterns_page = download_button("the patterns as a page (HTML)")
        patterns_heading = gr.Markdown()
        patterns_view_html = gr.HTML()
        patterns_button.click(handler(patterns_tab.patterns_for_app),
                              [checkpoint, patterns_csv, patterns_category],
                              [patterns_summary, patterns_chart, patterns_table, patterns_rows, patterns_page,
                               patterns_chart_download],
                              api_name="patterns", concurrency_limit=EXPLAIN_CONCURRENCY,
                              concurrency_id="explain")
        patterns_rows.select(handler(patterns_tab.explain_selected), [checkpoint],
                             [patterns_heading, patterns_view_html], api_name=False,
                             concurrency_limit=EXPLAIN_CONCURRENCY, concurrency_id="explain")


def add_contrast_tab(checkpoint: gr.Dropdown, review: gr.Textbox, names: list[str]) -> None:
    """Tab 6, Contrast: a copy of the Classify tab's ``review`` edited (by hand or by a suggested edit) and
    compared with it, under the picked checkpoint and under another of ``names``."""
    with gr.Tab("Contrast"):
        gr.Markdown("Edit a copy of the review (drop a *but* clause, a *not*) and compare.")
        with gr.Row():
            original = gr.Textbox(label="Review", lines=6)
            edited = gr.Textbox(label="Edited copy", lines=6)
        copy_button = gr.Button("Copy the review from the Classify tab")
        # Edits made by rule (sentiment/robustness/edits.py), each scored: a row selected becomes the
        # edited copy, so a class tries the teacher's edits before writing its own.
        suggest_button = gr.Button("Suggest edits")
        suggestion_note = gr.Markdown()
        suggestions = gr.Dataframe(label="Suggested edits (select one to put it in the edited copy)",
                                   interactive=False, wrap=True, max_height=300,
                                   headers=list(contrast_tab.EDIT_COLUMNS),
                                   column_widths=["12%", "24%", "40%", "9%", "9%", "6%"])
        compare_button = gr.Button("Compare", variant="primary")
        comparison_views = side_by_side("Review", "Edited copy")
        comparison_download = download_button("the comparison (HTML)")
        # Before and after: the same pair read by a second checkpoint (by default the one trained
        # further on contrast pairs), so a class sees whether that training moved the push.
        with gr.Accordion("The same pair under another checkpoint", open=True):
            other = gr.Dropdown(choices=names, value=contrast_tab.other_checkpoint(names),
                                label="Other checkpoint")
            other_button = gr.Button("Compare under the other checkpoint")
            other_views = side_by_side("Review (other checkpoint)", "Edited copy (other checkpoint)")
            other_download = download_button("the comparison (HTML)")
        copy_button.click(lambda text: (text, text), [review], [original, edited], api_name=False)
        # preprocess=False: the handler checks both values and names what is wrong (Gradio would turn a
        # number into text, and log a traceback for a checkpoint not in the list)
        suggest_button.click(handler(contrast_tab.suggest_edits_for_app), [checkpoint, original],
                             [suggestions, suggestion_note], api_name="edits",
                             concurrency_limit=EXPLAIN_CONCURRENCY, concurrency_id="explain", preprocess=False)
        suggestions.select(contrast_tab.text_from_selection, None, edited, api_name=False)
        compare_button.click(handler(contrast_tab.compare_for_app), [checkpoint, original, edited],
                             [*comparison_views, comparison_download],
                             api_name="contrast", concurrency_limit=EXPLAIN_CONCURRENCY,
                             concurrency_id="explain")
        other_button.click(handler(contrast_tab.compare_for_app), [other, original, edited],
                           [*other_views, other_download],
                           api_name="contrast_other", concurrency_limit=EXPLAIN_CONCURRENCY,
                           concurrency_id="explain")


def add_model_tab(demo: gr.Blocks, checkpoint: gr.Dropdown) -> None:
    """Tab 7, Model: every checkpoint's test figures beside the TF-IDF baseline, and the picked checkpoint's
    details, confusion matrix and training curve (again each time the picker changes)."""
    with gr.Tab("Model"):
        summary = gr.Dataframe(value=model_tab.summary, label="Checkpoints and the TF-IDF baseline on the "
                               "IMDB test set", interactive=False, wrap=True,
                               column_widths=["13%", "8%", "8%", "7%", "7%", "7%", "7%", "16%", "13%", "14%"])
        details = gr.Markdown()
        with gr.Row():
            confusion = gr.Plot(label="Confusion matrix (test set)")
            curve = gr.LinePlot(**model_tab.CURVE_CHART.plot_args(model_tab.CURVE_COLOURS))
        with gr.Row():
            confusion_download = download_button("the confusion matrix (PNG)")
            curve_download = download_button("the training curve (PNG)")
        model_outputs = [details, confusion, curve, confusion_download, curve_download]
        checkpoint.change(handler(model_tab.details), [checkpoint], model_outputs, api_name=False)
        demo.load(handler(model_tab.details), [checkpoint], model_outputs, api_name="model")


if __name__ == "__main__":
    demo = build_demo()
    if warm_up.wanted():  # before listening: the first visitors find the models loaded and the lesson computed
        warm_up.prepare()
    demo.launch(server_name=os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"),
                max_file_size=classify_tab.MAX_UPLOAD_BYTES)
