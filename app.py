"""Why does BERT get this review wrong? A Gradio app: a lesson, classify, explain, study the mistakes,
robustness, patterns in your own reviews, contrast, the models.

    python app.py            # http://127.0.0.1:7860 ; GRADIO_SERVER_NAME=0.0.0.0 to serve others

One section per tab below; the work behind each is in ``webapp/`` (the README's "Where the code is"
names the module of each tab).
"""
from __future__ import annotations

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr  # noqa: E402

from webapp import (checkpoints, classify, contrast, examples, explain_view, lesson,  # noqa: E402
                    mistakes, model_info, patterns_view, robustness_view)
from webapp.errors import SpeakingBlocks, user_errors  # noqa: E402
from webapp.memory import limit_arenas, releasing_memory  # noqa: E402

INTRO = """# Why does BERT get this review wrong?
A BERT-family classifier fine-tuned on 25,000 IMDB reviews. Paste a review to see
its verdict, which words pushed it there, and where models like it go wrong:
irony, contrasts that end badly, praise phrased through negations."""

# Explanations cost about a second of CPU each; more at once would only queue inside torch.
EXPLAIN_CONCURRENCY = 2
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


def side_by_side(left: str, right: str) -> list:
    """Two texts' verdicts and attributions side by side, and the words whose scores moved most:
    the outputs of ``webapp.explanations.contrast``, in its order."""
    with gr.Row():
        labels = [gr.Label(label=name, num_top_classes=2) for name in (left, right)]
    with gr.Row():
        views = [attribution_view(name) for name in (left, right)]
    moved = gr.Dataframe(label="Words whose scores moved most", interactive=False)
    return [*labels, *views, moved]


def build_demo() -> gr.Blocks:
    limit_arenas()  # before Gradio starts its worker threads
    names = checkpoints.checkpoint_names()  # names only: server paths never reach a client
    example_texts = examples.all_examples()
    with SpeakingBlocks(title="Why does BERT get this review wrong?", delete_cache=DELETE_CACHE) as demo:
        gr.Markdown(INTRO)
        checkpoint = gr.Dropdown(choices=names, value=names[0] if names else None, label="Checkpoint")

        # ---- 0. Lesson --------------------------------------------------------------------
        with gr.Tab("Lesson"):
            gr.Markdown(lesson.INTRO)
            with gr.Row():
                previous_step = gr.Button("Previous", scale=1)
                lesson_number = gr.Slider(1, lesson.n_steps(), value=1, step=1, label="Step", scale=4)
                next_step = gr.Button("Next", variant="primary", scale=1)
            lesson_heading = gr.Markdown()
            lesson_note = gr.Markdown()
            lesson_example = gr.HTML()
            gr.Markdown("**A minimal pair**: the same review with one change.")
            with gr.Row():
                lesson_original = gr.Textbox(label="Original", lines=2, interactive=False)
                lesson_edit = gr.Textbox(label="Minimal edit", lines=2, interactive=False)
            lesson_pair = side_by_side("Original", "Minimal edit")
            lesson_outputs = [lesson_heading, lesson_note, lesson_example, lesson_original, lesson_edit,
                              *lesson_pair]
            lesson_number.change(handler(lesson.lesson_step), [checkpoint, lesson_number], lesson_outputs,
                                 api_name="lesson", concurrency_limit=EXPLAIN_CONCURRENCY,
                                 concurrency_id="explain", preprocess=False)
            previous_step.click(lambda n: max(1, int(n) - 1), [lesson_number], [lesson_number], api_name=False)
            next_step.click(lambda n: min(lesson.n_steps(), int(n) + 1), [lesson_number], [lesson_number],
                            api_name=False)
            demo.load(handler(lesson.lesson_step), [checkpoint, lesson_number], lesson_outputs, api_name=False,
                      concurrency_limit=EXPLAIN_CONCURRENCY, concurrency_id="explain")

        # ---- 1. Classify ------------------------------------------------------------------
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
            with gr.Accordion(f"A CSV of reviews (a 'review' column, up to {classify.MAX_CSV_ROWS:,} rows)",
                              open=False):
                csv_in = gr.File(label="CSV file", file_types=[".csv"])
                csv_button = gr.Button("Classify the file")
                csv_out = gr.File(label="Predictions")
                csv_note = gr.Markdown()
            classify_button.click(handler(classify.classify_for_app), [checkpoint, review], [label, length],
                                  api_name="classify")
            csv_button.click(handler(classify.classify_csv_for_app), [checkpoint, csv_in], [csv_out, csv_note],
                             api_name="classify_csv", concurrency_limit=CSV_CONCURRENCY, concurrency_id="csv")

        # ---- 2. Explain -------------------------------------------------------------------
        with gr.Tab("Explain"):
            explain_review = gr.Textbox(label="Review to explain (follows the Classify tab)", lines=5)
            with gr.Row():
                method = gr.Radio([("integrated gradients", "ig"), ("occlusion", "occlusion")], value="ig",
                                  label="Method")
                n_steps = gr.Slider(0, explain_view.MAX_STEPS, value=explain_view.AUTO_STEPS, step=4,
                                    label="Integration steps (0 = automatic: placed where the margin changes, refined until the check passes)")
                check_occlusion = gr.Checkbox(label="Also measure agreement with occlusion (slower)")
            explain_button = gr.Button("Explain", variant="primary")
            gr.Markdown("Green words pushed the prediction **toward positive**, red ones **toward negative**; "
                        "the stronger the colour, the stronger the push. Hover a word for its push.")
            verdict = gr.Markdown()
            highlighted = gr.HTML(elem_id="attributions")
            with gr.Row():
                top_words = gr.Dataframe(label="Strongest words", interactive=False)
                trust = gr.Markdown()
            review.change(lambda text: text, [review], [explain_review], api_name=False)
            explain_button.click(handler(explain_view.explain_for_app),
                                 [checkpoint, explain_review, method, n_steps, check_occlusion],
                                 [verdict, highlighted, top_words, trust], api_name="explain",
                                 concurrency_limit=EXPLAIN_CONCURRENCY, concurrency_id="explain",
                                 preprocess=False)  # the handler checks each value and names what is wrong

        # ---- 3. Mistakes ------------------------------------------------------------------
        with gr.Tab("Mistakes"):
            gr.Markdown(mistakes.INTRO)
            pinned = gr.Dataframe(label="The report's four misread reviews", interactive=False, wrap=True,
                                  elem_id="report-reviews", column_widths=["15%", "8%", "12%", "12%", "53%"])
            with gr.Row():
                comparison = gr.Radio(mistakes.comparison_choices(), value="all", label="Which mistakes")
                min_confidence = gr.Slider(0.5, 1.0, value=0.5, step=0.05,
                                           label="Only where the wrong model was at least this sure")
            counts = gr.Markdown()
            mistake_table = gr.Dataframe(label="Misclassified test reviews (select one)", interactive=False,
                                         max_height=400)
            review_id = gr.Textbox(label="Review id", placeholder="e.g. test/neg/8977_4")
            show_button = gr.Button("Show and explain with both checkpoints")
            shown = gr.Markdown()
            with gr.Row():
                small_view = attribution_view(f"Small checkpoint ({mistakes.SMALL})")
                large_view = attribution_view(f"Large checkpoint ({mistakes.LARGE})")
            # preprocess=False: filter_mistakes checks the values itself and says what is wrong with one; Gradio's
            # checks of a Radio or a Slider fail without a message on a string or null, and let NaN through
            for control in (comparison, min_confidence):
                control.change(handler(mistakes.filter_mistakes), [comparison, min_confidence],
                               [mistake_table, counts], api_name=False, preprocess=False)
            demo.load(handler(mistakes.filter_mistakes), [comparison, min_confidence], [mistake_table, counts],
                      api_name="mistakes", preprocess=False)
            demo.load(handler(mistakes.pinned_table), None, pinned, api_name="report_reviews")
            mistake_table.select(mistakes.id_from_selection, None, review_id, api_name=False)
            pinned.select(mistakes.id_from_selection, None, review_id, api_name=False)
            show_button.click(handler(mistakes.show_review), [review_id], [shown, small_view, large_view],
                              api_name="show_mistake", concurrency_limit=EXPLAIN_CONCURRENCY,
                              concurrency_id="explain")

        # ---- 4. Robustness ----------------------------------------------------------------
        with gr.Tab("Robustness"):
            gr.Markdown(robustness_view.INTRO)
            robustness_note = gr.Markdown()
            capability_chart = gr.BarPlot(x="bar", y="failure rate (%)", color="checkpoint", sort="x",
                                          x_title="capability · checkpoint", x_label_angle=-30, y_lim=[0, 100],
                                          label="Behavioural tests: share of generated cases failed")
            tag_chart = gr.BarPlot(x="bar", y="lift within class", color="checkpoint", sort="x",
                                   x_title="tag · checkpoint", x_label_angle=-30,
                                   label="Error taxonomy: error rate with the tag / without it, within the true "
                                         "class (1 = no effect)")
            gr.Markdown(robustness_view.LIFT_CAVEAT)
            with gr.Row():
                pair_summary = gr.Dataframe(label="Contrast pairs (CAD dev)", interactive=False)
                tag_table = gr.Dataframe(label="Error taxonomy of the test-set mistakes", interactive=False)
            gr.Markdown(robustness_view.PUSH_NOTE)
            push_chart = gr.BarPlot(x="bar", y="mean", color="checkpoint", sort="x", x_label_angle=-30,
                                    x_title="phenomenon · part · cases read right or wrong",
                                    label="Where the push sits: mean push toward the expected label")
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
            demo.load(handler(robustness_view.overview), None,
                      [robustness_note, capability_chart, tag_chart, tag_table, pair_summary, cases, push_chart,
                       push_table],
                      api_name="robustness")
            cases.select(robustness_view.key_from_selection, None, case_key, api_name=False)
            case_button.click(handler(robustness_view.compare_case), [case_key],
                              [case_original, case_variant, *case_comparison, case_note, case_parts],
                              api_name="robustness_case", concurrency_limit=EXPLAIN_CONCURRENCY,
                              concurrency_id="explain")

        # ---- 5. Patterns ------------------------------------------------------------------
        with gr.Tab("Patterns"):
            gr.Markdown(patterns_view.INTRO)
            with gr.Row():
                patterns_csv = gr.File(label="CSV file", file_types=[".csv"])
                with gr.Column():
                    patterns_category = gr.Textbox(label="Category column (optional)", placeholder="e.g. phenomenon")
                    patterns_button = gr.Button("Find the patterns", variant="primary")
            patterns_summary = gr.Markdown()
            patterns_chart = gr.BarPlot(x="bar", y="push", color="category", sort="x", x_title="part · category",
                                        x_label_angle=-30,
                                        label="Mean push of each part toward the gold label (> 0: for the right "
                                              "verdict)")
            patterns_table = gr.Dataframe(label="The push per part of a review", interactive=False)
            patterns_rows = gr.Dataframe(label="The rows (select one to see its explanation)", interactive=False,
                                         wrap=True, max_height=320)
            patterns_page = gr.File(label="The patterns as an HTML page (for slides)")
            patterns_heading = gr.Markdown()
            patterns_view_html = gr.HTML()
            patterns_button.click(handler(patterns_view.patterns_for_app),
                                  [checkpoint, patterns_csv, patterns_category],
                                  [patterns_summary, patterns_chart, patterns_table, patterns_rows, patterns_page],
                                  api_name="patterns", concurrency_limit=EXPLAIN_CONCURRENCY,
                                  concurrency_id="explain")
            patterns_rows.select(handler(patterns_view.explain_selected), [checkpoint],
                                 [patterns_heading, patterns_view_html], api_name=False,
                                 concurrency_limit=EXPLAIN_CONCURRENCY, concurrency_id="explain")

        # ---- 6. Contrast ------------------------------------------------------------------
        with gr.Tab("Contrast"):
            gr.Markdown("Edit a copy of the review (drop a *but* clause, a *not*) and compare.")
            with gr.Row():
                original = gr.Textbox(label="Review", lines=6)
                edited = gr.Textbox(label="Edited copy", lines=6)
            copy_button = gr.Button("Copy the review from the Classify tab")
            compare_button = gr.Button("Compare", variant="primary")
            comparison_views = side_by_side("Review", "Edited copy")
            # Before and after: the same pair read by a second checkpoint (by default the one trained
            # further on contrast pairs), so a class sees whether that training moved the push.
            with gr.Accordion("The same pair under another checkpoint", open=True):
                other = gr.Dropdown(choices=names, value=contrast.other_checkpoint(names),
                                    label="Other checkpoint")
                other_button = gr.Button("Compare under the other checkpoint")
                other_views = side_by_side("Review (other checkpoint)", "Edited copy (other checkpoint)")
            copy_button.click(lambda text: (text, text), [review], [original, edited], api_name=False)
            compare_button.click(handler(contrast.compare_for_app), [checkpoint, original, edited],
                                 comparison_views,
                                 api_name="contrast", concurrency_limit=EXPLAIN_CONCURRENCY,
                                 concurrency_id="explain")
            other_button.click(handler(contrast.compare_for_app), [other, original, edited], other_views,
                               api_name="contrast_other", concurrency_limit=EXPLAIN_CONCURRENCY,
                               concurrency_id="explain")

        # ---- 7. Model ---------------------------------------------------------------------
        with gr.Tab("Model"):
            summary = gr.Dataframe(value=model_info.summary, label="Checkpoints and the TF-IDF baseline on the "
                                   "IMDB test set", interactive=False, wrap=True,
                                   column_widths=["13%", "8%", "8%", "7%", "7%", "7%", "7%", "16%", "13%", "14%"])
            details = gr.Markdown()
            with gr.Row():
                confusion = gr.Plot(label="Confusion matrix (test set)")
                curve = gr.LinePlot(x="step", y="value", color="series", label="Training curve")
            checkpoint.change(handler(model_info.details), [checkpoint], [details, confusion, curve], api_name=False)
            demo.load(handler(model_info.details), [checkpoint], [details, confusion, curve], api_name="model")
    demo.queue(default_concurrency_limit=4, max_size=QUEUE_MAX_SIZE)
    return demo


if __name__ == "__main__":
    build_demo().launch(server_name=os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"),
                        max_file_size=classify.MAX_UPLOAD_BYTES)
