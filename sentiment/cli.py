"""``python -m sentiment``: train, evaluate, predict, experiment, baseline, table."""
from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from transformers import HfArgumentParser

from .arguments import (DefaultsHelpFormatter, check_fields, dataclass_from, length_in_tokens, number_in,
                        positive_int)
from .data import (NAMED_DATA, REPORT_REVIEW_IDS, TrainingData, load_reviews, sample, train_and_test,
                   training_data)
from .devices import DEFAULT_PRECISION, Device, Precision
from .download import add_commands as add_data_commands
from .errors import ArgumentError, DataError, run_command
from .model import check_model_source
from .read_length import READ_LENGTHS
from .output_files import check_output_folder, check_output_path, write_csv
from .text import check_column, check_text, strip_line_breaks, unknown_share, unknown_warning
from .tokenization import encode
from .train import TrainConfig
from .training_run import RunOptions, run_training

# The report's three set-ups: (reviews drawn from all 50k, training device).
FLOWS = {
    "flow1": (10_000, "cpu"),
    "flow2": (10_000, "accelerator"),
    "flow3": (50_000, "accelerator"),
}


class _ParserWithDefaults(argparse.ArgumentParser):
    """A subcommand parser whose --help shows every flag's default."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", DefaultsHelpFormatter)
        super().__init__(*args, **kwargs)


class _FlagParser(HfArgumentParser):
    """``HfArgumentParser``, which makes a dataclass's fields flags, with two rules of this project's flags:

    - a field whose metadata names a ``type`` (a rule of ``sentiment.arguments``) is parsed by that rule, so
      argparse refuses a bad value with the rule it broke, before any work;
    - a switch that is off by default is a plain ``--json``: ``HfArgumentParser`` makes it ``--json [JSON]``,
      which takes the next word for its value (``predict --json "a fine film"``, ``experiment --resume flow1``).

    Those two kinds of flag are named as the README and the help write flags, ``--batch-size`` only:
    argparse names a refused flag by all its names, and ``--batch_size/--batch-size`` reads as two flags.
    """

    @staticmethod
    def _parse_dataclass_field(parser, field):
        name = f"--{field.name.replace('_', '-')}"
        if field.type is bool and field.default is False:
            parser.add_argument(name, action="store_true", help=field.metadata["help"])
        elif "type" in field.metadata:
            default = {"required": True} if field.default is dataclasses.MISSING else {"default": field.default}
            parser.add_argument(name, **field.metadata, **default)
        else:
            HfArgumentParser._parse_dataclass_field(parser, field)


def _flags(*classes) -> HfArgumentParser:
    """A parent parser whose flags are the fields of the dataclasses ``classes`` (their help, default, rule)."""
    return _FlagParser(list(classes), add_help=False)


def _training_options() -> HfArgumentParser:
    """The flags of ``train`` and ``experiment``, generated from ``TrainConfig`` and ``RunOptions``."""
    return _flags(TrainConfig, RunOptions)


# ---- the flags of the commands that run a saved checkpoint, generated from these fields ----------------

@dataclass
class CheckpointOptions:
    """Which checkpoint, where and how it runs, what is printed: the flags of ``evaluate``, ``predict`` and
    ``robustness``."""

    checkpoint: str = field(metadata={"help": "checkpoint folder or Hub id"})
    device: Device = field(default="cpu", metadata={"help": "where the model runs"})
    precision: Precision = field(default=DEFAULT_PRECISION, metadata={
        "help": "auto: bf16 where the CPU or GPU has it, else fp32"})
    batch_size: int = field(default=32, metadata={"help": "reviews per forward pass", "type": positive_int})
    read_length: int | None = field(default=None, metadata={
        "help": "tokens read per review, head + tail of a longer one (default: the checkpoint's own, chosen "
                "by `read-length --save`, else its training length)", "type": length_in_tokens})
    json: bool = field(default=False, metadata={"help": "print one JSON value"})

    def __post_init__(self):
        check_fields(self)


@dataclass
class EvaluateOptions:
    """The flags of ``evaluate`` besides the checkpoint's."""

    data: str = field(default="test", metadata={"help": "test, train, all, or a CSV / aclImdb folder"})
    limit: int | None = field(default=None, metadata={
        "help": "a random sample of this many reviews (default: all)", "type": positive_int})
    seed: int = field(default=0, metadata={"help": "which random sample --limit draws"})
    predictions: str | None = field(default=None, metadata={
        "help": "write the predictions table to this CSV (formula cells escaped)"})

    def __post_init__(self):
        check_fields(self)


@dataclass
class PredictOptions:
    """The flags of ``predict`` besides the checkpoint's (the review texts are its positional arguments)."""

    csv: str | None = field(default=None, metadata={"help": "a CSV with a 'review' column, instead of text"})


@dataclass
class RobustnessOptions:
    """The flags of ``robustness`` besides the checkpoint's."""

    save: bool = field(default=False, metadata={
        "help": "also write the report to CHECKPOINT/robustness.json (what the app shows without the dataset)"})
    skip_taxonomy: bool = field(default=False, metadata={
        "help": "leave out the error taxonomy, which needs the IMDB test reviews and predictions.csv.gz"})
    limit_taxonomy: int | None = field(default=None, metadata={
        "help": "tag a random sample of N test reviews instead of all 25,000", "type": positive_int,
        "metavar": "N"})

    def __post_init__(self):
        check_fields(self)
        if self.skip_taxonomy and self.limit_taxonomy is not None:
            raise ArgumentError("--limit-taxonomy samples the error taxonomy, which --skip-taxonomy leaves out: "
                                "give one of them")


# ---- the commands ------------------------------------------------------------------------------

def _configs(args) -> tuple[TrainConfig, RunOptions]:
    """The run's settings from its flags, checked, and its base model found: all before any data is read."""
    config, options = dataclass_from(TrainConfig, args), dataclass_from(RunOptions, args)
    check_model_source(config.model)
    return config, options


def _sample(reviews, limit: int | None, seed: int, flag: str):
    """``sample`` of ``limit`` reviews, saying so on stderr when ``limit`` asks for more than there are: all
    are used then, and a reader of the results should not believe the limit was reached."""
    if limit is not None and limit > len(reviews):
        print(f"{flag} {limit:,}: the data holds only {len(reviews):,} reviews; using all of them", file=sys.stderr)
    return sample(reviews, limit, seed)


def _run(config: TrainConfig, options: RunOptions, output: str, data: TrainingData):
    """Train, evaluate and save under ``output``."""
    test = _sample(data.test, options.test_limit, config.seed, "--test-limit")
    return run_training(data.train, data.validation, test, config, options, output, protocol=data.protocol)


def _output(options: RunOptions, name: str) -> str:
    """The run folder, ``--output`` or ``runs/NAME``, checked writable before any data is read."""
    output = options.output or f"runs/{name}"
    check_output_folder(output)
    return output


def _reviews_drawn(data: TrainingData, source: str) -> int:
    """How many reviews the split drew where ``--size`` counts them: official or a file, the training part
    (validation included); report, all three parts, and the report's reviews, drawn but kept out of
    training (counted as if all drawn: exact when the draw took everything, an upper bound otherwise)."""
    drawn = len(data.train) + len(data.validation)
    if source != "report":
        return drawn
    kept_out = len(REPORT_REVIEW_IDS) - int(data.test["id"].isin(REPORT_REVIEW_IDS).sum())
    return drawn + len(data.test) + kept_out


def _size_used(data: TrainingData, source: str, size: int) -> TrainingData:
    """``data``, whose protocol names the reviews drawn, not the ``--size`` asked when fewer exist (and says
    so on stderr): the split is then the one without ``--size``."""
    drawn = _reviews_drawn(data, source)
    if drawn < size:
        print(f"--size {size:,}: --data {source} has only {drawn:,} reviews to draw; using all of them",
              file=sys.stderr)
        data.protocol = data.protocol.replace(f"{size:,}", f"{drawn:,}")
    return data


def cmd_train(args):
    """``train``: fine-tune on ``--data``, then evaluate and save the run under ``--output`` (``runs/NAME``)."""
    config, options = _configs(args)
    if args.size is not None and args.data in ("cad", "negation"):
        raise ArgumentError(f"--size goes with --data official, report or FILE; --data {args.data} trains on "
                            f"every {args.data} text, with --replay-ratio IMDB reviews per text")
    if args.replay_ratio is not None and args.data not in ("cad", "negation"):
        raise ArgumentError(f"--replay-ratio goes with --data cad or negation; --data {args.data} trains on its "
                            f"own reviews only")
    replay_ratio = 1.0 if args.replay_ratio is None else args.replay_ratio
    name = args.name or (args.data if args.data in NAMED_DATA else Path(str(args.data)).stem)
    output = _output(options, name)
    data = training_data(args.data, args.size, config.seed, options.validation_size, args.test, replay_ratio)
    if args.size is not None:
        data = _size_used(data, args.data, args.size)
    _run(config, options, output, data)


def cmd_experiment(args):
    """``experiment FLOW``: one of the lab report's set-ups (``FLOWS``), trained and evaluated like ``train``."""
    from .devices import accelerator_or_cpu

    config, options = _configs(args)
    output = _output(options, args.flow)
    size, device = FLOWS[args.flow]
    config.device = accelerator_or_cpu() if device == "accelerator" else device
    data = training_data("report", size, config.seed, options.validation_size)
    data.protocol = f"{args.flow}: {data.protocol}"
    _run(config, options, output, data)


def _load_predictor(checkpoint: CheckpointOptions):
    from .predictor import Predictor

    return Predictor.from_pretrained(checkpoint.checkpoint, device=checkpoint.device,
                                     precision=checkpoint.precision, read_length=checkpoint.read_length)


def _print_metrics(metrics: dict, timings: dict, data: str, device: str, precision: str) -> None:
    """``evaluate``'s text output: the figures, then the confusion matrix."""
    print(f"{metrics['n']:,} reviews from {data}, {device}/{precision}, "
          f"{timings['evaluation_s']:.1f} s ({timings['evaluation_reviews_per_s']:.1f} reviews/s)")
    for key in ("accuracy", "precision", "recall", "f1"):
        print(f"{key:>10}: {metrics[key]:.4f}")
    (tn, fp), (fn, tp) = metrics["confusion_matrix"]
    print(f"confusion matrix (rows true, columns predicted; negative, positive):\n"
          f"  [[{tn:6d} {fp:6d}]\n   [{fn:6d} {tp:6d}]]")


def cmd_evaluate(args):
    """``evaluate``: a checkpoint's metrics on labelled reviews, and with ``--predictions`` its predictions table."""
    from .evaluate import evaluate

    checkpoint, options = dataclass_from(CheckpointOptions, args), dataclass_from(EvaluateOptions, args)
    if options.predictions:
        check_output_path(options.predictions)  # before the evaluation, not after it
    reviews = _sample(load_reviews(options.data), options.limit, options.seed, "--limit")
    predictor = _load_predictor(checkpoint)
    metrics, predictions, timings = evaluate(
        predictor.model, predictor.tokenizer, reviews, predictor.max_length, predictor.device,
        predictor.precision, checkpoint.batch_size, progress=not checkpoint.json)
    # The results first: should the file fail after all (a full disk), the evaluation is not lost.
    if checkpoint.json:
        print(json.dumps({**metrics, **timings, "device": predictor.device,
                          "mixed_precision": predictor.precision}), flush=True)
    else:
        _print_metrics(metrics, timings, options.data, predictor.device, predictor.precision)
        sys.stdout.flush()
    if options.predictions:
        write_csv(predictions, options.predictions)


def _validation_split(args, report: dict | None, folder: Path) -> TrainingData:
    """The split ``folder``'s checkpoint was trained on, rebuilt from ``read-length``'s data flags (seed and
    validation size from its ``report.json`` unless given), and refused when its part sizes are not the
    recorded ones: a choice made on reviews the checkpoint trained on would read as too kind."""
    config = (report or {}).get("config", {})
    seed = args.seed if args.seed is not None else config.get("seed", 42)
    validation_size = args.validation_size or (report or {}).get("validation_size", 500)
    data = training_data(args.data, args.size, seed, validation_size, None, args.replay_ratio)
    if report and (len(data.train), len(data.validation)) != (report.get("train_size"),
                                                             report.get("validation_size")):
        raise ArgumentError(
            f"--data {args.data}{f' --size {args.size}' if args.size else ''} rebuilds a split of "
            f"{len(data.train):,} training and {len(data.validation):,} validation reviews, and {folder} was "
            f"trained on {report.get('train_size', 0):,} and {report.get('validation_size', 0):,}: give the "
            f"--data, --size, --replay-ratio and --seed it was trained with")
    return data


def _print_reading(choice, speed: dict, n: int) -> None:
    print(f"validation: {n:,} reviews")
    print(f"{'length':>7} {'accuracy':>9} {'95% interval':>17} {'minus longest':>14} {'95% interval':>17} "
          f"{'reviews/s':>9}")
    for length, figures in choice.lengths.items():
        a, d = figures["accuracy"], figures.get("minus_longest")
        difference = (f"{d['mean']:+14.4f} {d['low']:+8.4f} {d['high']:+8.4f}" if d and d["low"] is not None
                      else f"{'':>14} {'':>17}")
        print(f"{length:>7} {a['mean']:9.4f} {a['low']:8.4f} {a['high']:8.4f} {difference} {speed[length]:9.1f}")
    print(f"chosen: {choice.chosen} ({choice.reason})")


def cmd_read_length(args):
    """``read-length``: the tokens a checkpoint reads best, chosen on its validation reviews; ``--save`` records it."""
    from .evaluate import evaluate
    from .model_card import write_model_card
    from .read_length import choose_read_length, correct_at_lengths, record_reading
    from .run_report import REPORT_FILE, read_report

    checkpoint = dataclass_from(CheckpointOptions, args)
    if checkpoint.read_length is not None:
        raise ArgumentError("--read-length sets one length; read-length compares those of --lengths")
    folder = Path(checkpoint.checkpoint)
    report = read_report(folder) if (folder / REPORT_FILE).is_file() else None
    if args.save:
        if report is None:
            raise ArgumentError(f"--save records the choice in a checkpoint folder with a report.json, and "
                                f"{folder} has none")
        check_output_path(folder / REPORT_FILE)
    data = _validation_split(args, report, folder)
    predictor = _load_predictor(checkpoint)
    lengths = tuple(sorted(set(args.lengths)))
    correct, speed = correct_at_lengths(predictor, data.validation, lengths, checkpoint.batch_size,
                                        progress=not checkpoint.json)
    choice = choose_read_length(correct)
    result = {**choice.to_dict(), "validation_reviews_per_s": {str(n): s for n, s in speed.items()}}
    if args.save:
        # the test split, once, at the chosen length: what the card and the README report
        metrics, predictions, timings = evaluate(
            predictor.model, predictor.tokenizer, data.test, choice.chosen, predictor.device,
            predictor.precision, checkpoint.batch_size, progress=not checkpoint.json)
        record_reading(folder, choice, metrics, predictions, timings, predictor.device, predictor.precision)
        write_model_card(folder)
        result["test"] = {"accuracy": metrics["accuracy"], "n": metrics["n"], **timings}
    if checkpoint.json:
        print(json.dumps(result))
        return
    _print_reading(choice, speed, len(data.validation))
    if args.save:
        print(f"test at {choice.chosen} tokens: accuracy {metrics['accuracy']:.4f} on {metrics['n']:,} reviews "
              f"({timings['evaluation_reviews_per_s']:.1f} reviews/s); recorded in {folder}")


def cmd_predict(args):
    """``predict``: the label and P(positive) of each review given as text or in ``--csv``."""
    checkpoint, options = dataclass_from(CheckpointOptions, args), dataclass_from(PredictOptions, args)
    if bool(args.text) == bool(options.csv):
        raise ArgumentError("give either review text or --csv FILE (one of them)")
    if options.csv:
        texts = load_reviews(options.csv, require_labels=False)["review"].tolist()
        check_column(texts, Path(options.csv).name)
    else:
        texts = [check_text(t, f"review {i}") for i, t in enumerate(args.text, start=1)]
    predictor = _load_predictor(checkpoint)
    predictions = predictor.predict(texts, checkpoint.batch_size, progress=bool(options.csv))
    read = encode(predictor.tokenizer, [strip_line_breaks(t) for t in texts], predictor.max_length)
    for i, item in enumerate(read, start=1):
        warning = unknown_warning(unknown_share(predictor.tokenizer, item["input_ids"]))
        if warning:
            print(f"review {i}: {warning}", file=sys.stderr)
    if checkpoint.json:
        print(json.dumps(predictions))
        return
    for text, p in zip(texts, predictions):
        snippet = " ".join(text.split())[:70]
        print(f"{p['label']:>8}  p_positive={p['p_positive']:.4f}  {snippet}")


def cmd_baseline(args):
    """``baseline``: fit and evaluate the TF-IDF baseline (``sentiment.tfidf``) on the split a run would use."""
    from .tfidf import run_baseline

    check_output_folder(args.output)  # before the 40 s of fitting, not after them
    train, test, _ = train_and_test(args.data, args.size, args.seed)
    run_baseline(train, test, args.output)


def cmd_study(args):
    """``study``: rebuild the error study's review file from the checkpoints' predictions and the dataset."""
    from .study import build_study_file

    check_output_path(args.output)
    path, frame = build_study_file(Path(args.checkpoints), Path(args.output))
    print(f"{path}: {len(frame):,} reviews ({(frame['sentiment'] == 'positive').sum():,} positive), "
          f"{path.stat().st_size / 1e6:.2f} MB")


def cmd_robustness(args):
    """``robustness``: contrast pairs, behavioural tests and error taxonomy of a checkpoint; ``--save`` keeps it."""
    from .robustness.report import REPORT_FILE, render_text, save
    from .robustness.run import robustness_report, taxonomy_reviews

    checkpoint, options = dataclass_from(CheckpointOptions, args), dataclass_from(RobustnessOptions, args)
    folder = Path(checkpoint.checkpoint)
    if options.save:
        if not folder.is_dir():
            raise ArgumentError(f"--save writes into the checkpoint folder, and {folder} is not a local folder")
        check_output_path(folder / REPORT_FILE)
    predictor = None
    if not folder.is_dir():
        # Not a local folder: a Hub id, or a mistyped path. Loading it first names the checkpoint in the
        # error, where the taxonomy would only miss a file inside it.
        predictor = _load_predictor(checkpoint)
    # a local checkpoint's taxonomy data before its model: missing data fails at once
    reviews = None if options.skip_taxonomy else taxonomy_reviews(folder, options.limit_taxonomy)
    if predictor is None:
        predictor = _load_predictor(checkpoint)
    report = robustness_report(predictor, checkpoint.checkpoint, reviews, checkpoint.batch_size,
                               options.limit_taxonomy, progress=not checkpoint.json)
    if options.save:
        print(f"saved {save(report, checkpoint.checkpoint)}", file=sys.stderr)
    print(json.dumps(report) if checkpoint.json else render_text(report))


def cmd_robustness_table(args):
    """``robustness-table``: the saved robustness reports of checkpoints side by side, in Markdown."""
    from .robustness.report import REPORT_FILE, markdown_tables

    reports = {}
    for folder in args.checkpoints:
        path = Path(folder) / REPORT_FILE
        if not path.is_file():
            raise DataError(f"{path}: no saved robustness report; run `python -m sentiment robustness "
                            f"--checkpoint {folder} --save` first")
        reports[Path(folder).name] = json.loads(path.read_text())
    print(markdown_tables(reports))


def cmd_table(args):
    """``table``: the ``report.json`` of run folders side by side, in Markdown."""
    from .run_report import markdown_table, read_report

    print(markdown_table({Path(d).name: read_report(d) for d in args.runs}))


def cmd_card(args):
    """``card``: rewrite the model card and the Hub metadata (compute dtype, tokenizer config) of run folders."""
    from .model import drop_tokenizer_leftovers, record_fp32_compute
    from .model_card import write_model_card

    for run in args.runs:
        if (Path(run) / "config.json").is_file():
            record_fp32_compute(run)  # Hub loaders compute in the dtype config.json names
            drop_tokenizer_leftovers(run)
        print(write_model_card(run))


# ---- the parser: one function per command, in the order --help lists them ------------------------

def _add_train(sub, training: HfArgumentParser) -> None:
    p = sub.add_parser("train", parents=[training], help="fine-tune, evaluate and save a classifier")
    p.add_argument("--data", default="official",
                   help="official (25k/25k split), report (N of all 50k, 80/20), cad (CAD training pairs + a replay "
                        "sample of IMDB train, see --replay-ratio; use with --model CHECKPOINT), negation (generated "
                        "negation sentences + a replay sample, likewise), or a CSV / aclImdb "
                        "folder")
    p.add_argument("--size", type=positive_int,
                   help="official/FILE: training reviews; report: reviews drawn in all (default: all)")
    p.add_argument("--test", help="with --data FILE: the test file (default: 20%% held out)")
    p.add_argument("--name", help="run name (default: from --data)")
    p.add_argument("--replay-ratio", type=number_in(float, 0.0),
                   help="with --data cad or negation: IMDB train reviews replayed per CAD or generated text "
                        "(default: 1)")
    p.set_defaults(func=cmd_train)


def _add_experiment(sub, training: HfArgumentParser) -> None:
    p = sub.add_parser("experiment", parents=[training], help="the report's set-ups, evaluated on the CPU")
    p.add_argument("flow", choices=sorted(FLOWS),
                   help="flow1: 10k reviews on the CPU; flow2: 10k, flow3: 50k on the accelerator")
    p.set_defaults(func=cmd_experiment)


def _add_evaluate_and_predict(sub) -> None:
    p = sub.add_parser("evaluate", parents=[_flags(CheckpointOptions, EvaluateOptions)],
                       help="metrics of a checkpoint on labelled reviews")
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser("predict", parents=[_flags(CheckpointOptions, PredictOptions)],
                       help="classify text or a CSV with a review column")
    p.add_argument("text", nargs="*", help="reviews to classify, one per argument")
    p.set_defaults(func=cmd_predict)


def _add_read_length(sub) -> None:
    p = sub.add_parser("read-length", parents=[_flags(CheckpointOptions)],
                       help="choose the tokens a checkpoint reads per review on its validation reviews; --save "
                            "records it and measures the test split at that length")
    p.add_argument("--data", default="official",
                   help="the data the checkpoint was trained on, as train's --data: its validation part is rebuilt")
    p.add_argument("--size", type=positive_int, help="as train's --size (default: all)")
    p.add_argument("--replay-ratio", type=number_in(float, 0.0), default=1.0, help="as train's --replay-ratio")
    p.add_argument("--seed", type=int, help="the split's seed (default: the one in report.json, else 42)")
    p.add_argument("--validation-size", type=positive_int,
                   help="validation reviews (default: as many as report.json records, else 500)")
    p.add_argument("--lengths", type=length_in_tokens, nargs="+", default=list(READ_LENGTHS),
                   help="the reading lengths to compare")
    p.add_argument("--save", action="store_true",
                   help="record the chosen length in the checkpoint's config.json, evaluate the test split at it "
                        "and rewrite predictions.csv.gz, report.json and the model card")
    p.set_defaults(func=cmd_read_length)


def _add_robustness(sub) -> None:
    p = sub.add_parser("robustness", parents=[_flags(CheckpointOptions, RobustnessOptions)],
                       help="contrast pairs, behavioural tests and the error taxonomy of a checkpoint")
    p.set_defaults(func=cmd_robustness)

    p = sub.add_parser("robustness-table", help="the saved robustness reports of checkpoints side by side (Markdown)")
    p.add_argument("checkpoints", nargs="+", help="checkpoint folders with a robustness.json")
    p.set_defaults(func=cmd_robustness_table)


def _add_baseline(sub) -> None:
    p = sub.add_parser("baseline", help="TF-IDF + logistic regression on the same split")
    p.add_argument("--data", choices=["official", "report"], default="official", help="which split (as train)")
    p.add_argument("--size", type=positive_int,
                   help="training reviews drawn (official) or reviews in all (report) (default: all)")
    p.add_argument("--seed", type=int, default=42, help="the split's seed")
    p.add_argument("--output", default="runs/baseline", help="run folder")
    p.set_defaults(func=cmd_baseline)


def _add_card_and_study(sub) -> None:
    p = sub.add_parser("card", help="(re)write the Hub metadata of run folders: the model card README.md from "
                                    "report.json, config.json's compute dtype (float32), a tokenizer config "
                                    "without machine-local leftovers")
    p.add_argument("runs", nargs="+", help="run or checkpoint folders with a report.json")
    p.set_defaults(func=cmd_card)

    from .paths import CHECKPOINTS_DIR
    from .study import STUDY_REVIEWS

    p = sub.add_parser("study", help="rebuild the error study's review file that ships with the app "
                                     "(run after retraining a shipped checkpoint)")
    p.add_argument("--checkpoints", default=str(CHECKPOINTS_DIR),
                   help="folder whose */predictions.csv.gz name the mistakes to cover")
    p.add_argument("--output", default=str(STUDY_REVIEWS), help="file to write")
    p.set_defaults(func=cmd_study)


def _add_table(sub) -> None:
    p = sub.add_parser("table", help="print run folders' reports side by side")
    p.add_argument("runs", nargs="+", help="run or checkpoint folders with a report.json")
    p.set_defaults(func=cmd_table)


def build_parser() -> argparse.ArgumentParser:
    """``python -m sentiment``'s parser: every command, each with its flags and its ``cmd_*`` as ``func``."""
    parser = argparse.ArgumentParser(prog="python -m sentiment", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_ParserWithDefaults)
    training = _training_options()
    _add_train(sub, training)
    _add_experiment(sub, training)
    _add_evaluate_and_predict(sub)
    _add_read_length(sub)
    _add_robustness(sub)
    _add_baseline(sub)
    _add_card_and_study(sub)
    add_data_commands(sub)  # data download: the IMDB archive, checked and converted
    _add_table(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command ``argv`` names (default: the command line's); the exit status: 0, 2 for an error the
    user can fix (``sentiment.errors``), 130 when interrupted."""
    args = build_parser().parse_args(argv)
    warnings.filterwarnings("ignore", message=".*TRANSFORMERS_CACHE.*")
    try:
        return run_command(lambda: args.func(args))
    except KeyboardInterrupt:
        print("interrupted; a training run continues from its last saved step with --resume", file=sys.stderr)
        return 130
