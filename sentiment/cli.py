"""``python -m sentiment``: train, evaluate, predict, experiment, baseline, table."""
from __future__ import annotations

import argparse
import json
import sys
import warnings
from pathlib import Path

from transformers import HfArgumentParser

from .arguments import DefaultsHelpFormatter, dataclass_from, number_in, positive_int
from .data import NAMED_DATA, TrainingData, load_reviews, sample, train_and_test, training_data
from .devices import DEFAULT_PRECISION, DEVICES, PRECISIONS
from .download import add_commands as add_data_commands
from .errors import ArgumentError, DataError, run_command
from .model import check_model_source
from .output_files import check_output_path, write_csv
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


def _training_options() -> HfArgumentParser:
    """The flags of ``train`` and ``experiment``, generated from ``TrainConfig`` and ``RunOptions``."""
    return HfArgumentParser([TrainConfig, RunOptions], add_help=False)


def _configs(args) -> tuple[TrainConfig, RunOptions]:
    """The run's settings from its flags, checked, and its base model found: all before any data is read."""
    config, options = dataclass_from(TrainConfig, args), dataclass_from(RunOptions, args)
    check_model_source(config.model)
    return config, options


def _run(config: TrainConfig, options: RunOptions, name: str, data: TrainingData):
    """Train, evaluate and save under ``--output`` (default ``runs/NAME``)."""
    test = sample(data.test, options.test_limit, config.seed)
    return run_training(data.train, data.validation, test, config, options, options.output or f"runs/{name}",
                        protocol=data.protocol)


def cmd_train(args):
    config, options = _configs(args)
    data = training_data(args.data, args.size, config.seed, options.validation_size, args.test, args.replay_ratio)
    name = args.name or (args.data if args.data in NAMED_DATA else Path(str(args.data)).stem)
    _run(config, options, name, data)


def cmd_experiment(args):
    from .devices import accelerator_or_cpu

    config, options = _configs(args)
    size, device = FLOWS[args.flow]
    config.device = accelerator_or_cpu() if device == "accelerator" else device
    data = training_data("report", size, config.seed, options.validation_size)
    data.protocol = f"{args.flow}: {data.protocol}"
    _run(config, options, args.flow, data)


def _load_predictor(args):
    from .predictor import Predictor

    return Predictor.from_pretrained(args.checkpoint, device=args.device, precision=args.precision)


def cmd_evaluate(args):
    from .evaluate import evaluate

    if args.predictions:
        check_output_path(args.predictions)  # before the evaluation, not after it
    reviews = sample(load_reviews(args.data), args.limit, args.seed)
    predictor = _load_predictor(args)
    metrics, predictions, timings = evaluate(
        predictor.model, predictor.tokenizer, reviews, predictor.max_length, predictor.device,
        predictor.precision, args.batch_size, progress=not args.json)
    if args.predictions:
        write_csv(predictions, args.predictions)
    if args.json:
        print(json.dumps({**metrics, **timings, "device": predictor.device,
                          "mixed_precision": predictor.precision}))
        return
    print(f"{metrics['n']:,} reviews from {args.data}, {predictor.device}/{predictor.precision}, "
          f"{timings['evaluation_s']:.1f} s ({timings['evaluation_reviews_per_s']:.1f} reviews/s)")
    for key in ("accuracy", "precision", "recall", "f1"):
        print(f"{key:>10}: {metrics[key]:.4f}")
    (tn, fp), (fn, tp) = metrics["confusion_matrix"]
    print(f"confusion matrix (rows true, columns predicted; negative, positive):\n"
          f"  [[{tn:6d} {fp:6d}]\n   [{fn:6d} {tp:6d}]]")


def cmd_predict(args):
    if bool(args.text) == bool(args.csv):
        raise ArgumentError("give either review text or --csv FILE (one of them)")
    if args.csv:
        texts = load_reviews(args.csv, require_labels=False)["review"].tolist()
        check_column(texts, Path(args.csv).name)
    else:
        texts = [check_text(t, f"review {i}") for i, t in enumerate(args.text, start=1)]
    predictor = _load_predictor(args)
    predictions = predictor.predict(texts, args.batch_size, progress=bool(args.csv))
    read = encode(predictor.tokenizer, [strip_line_breaks(t) for t in texts], predictor.max_length)
    for i, item in enumerate(read, start=1):
        warning = unknown_warning(unknown_share(predictor.tokenizer, item["input_ids"]))
        if warning:
            print(f"review {i}: {warning}", file=sys.stderr)
    if args.json:
        print(json.dumps(predictions))
        return
    for text, p in zip(texts, predictions):
        snippet = " ".join(text.split())[:70]
        print(f"{p['label']:>8}  p_positive={p['p_positive']:.4f}  {snippet}")


def cmd_baseline(args):
    from .baseline import run_baseline

    train, test, _ = train_and_test(args.data, args.size, args.seed)
    run_baseline(train, test, args.output)


def cmd_study(args):
    from .study import build_study_file

    path, frame = build_study_file(Path(args.checkpoints), Path(args.output))
    print(f"{path}: {len(frame):,} reviews ({(frame['sentiment'] == 'positive').sum():,} positive), "
          f"{path.stat().st_size / 1e6:.2f} MB")


def cmd_robustness(args):
    from .robustness.report import render_text, save
    from .robustness.run import robustness_report, taxonomy_reviews

    if args.save and not Path(args.checkpoint).is_dir():
        raise ArgumentError(f"--save writes into the checkpoint folder, and {args.checkpoint} is not a local folder")
    # the taxonomy's data before the model: missing data fails at once
    reviews = None if args.skip_taxonomy else taxonomy_reviews(args.checkpoint, args.limit_taxonomy)
    report = robustness_report(_load_predictor(args), args.checkpoint, reviews, args.batch_size,
                               args.limit_taxonomy, progress=not args.json)
    if args.save:
        print(f"saved {save(report, args.checkpoint)}", file=sys.stderr)
    print(json.dumps(report) if args.json else render_text(report))


def cmd_robustness_table(args):
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
    from .report import markdown_table, read_report

    print(markdown_table({Path(d).name: read_report(d) for d in args.runs}))


def cmd_card(args):
    from .model import record_fp32_compute
    from .model_card import write_model_card

    for run in args.runs:
        if (Path(run) / "config.json").is_file():
            record_fp32_compute(run)  # Hub loaders compute in the dtype config.json names
        print(write_model_card(run))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m sentiment", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_ParserWithDefaults)
    training = _training_options()

    p = sub.add_parser("train", parents=[training], help="fine-tune, evaluate and save a classifier")
    p.add_argument("--data", default="official",
                   help="official (25k/25k split), report (N of all 50k, 80/20), cad (CAD training pairs + a replay "
                        "sample of IMDB train, see --replay-ratio; use with --model CHECKPOINT), or a CSV / aclImdb "
                        "folder")
    p.add_argument("--size", type=positive_int, help="official/FILE: training reviews; report: reviews drawn in all")
    p.add_argument("--test", help="with --data FILE: the test file (default: 20%% held out)")
    p.add_argument("--name", help="run name (default: from --data)")
    p.add_argument("--replay-ratio", type=number_in(float, 0.0), default=1.0,
                   help="with --data cad: IMDB train reviews replayed per CAD text")
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("experiment", parents=[training], help="the report's set-ups, evaluated on the CPU")
    p.add_argument("flow", choices=sorted(FLOWS),
                   help="flow1: 10k reviews on the CPU; flow2: 10k, flow3: 50k on the accelerator")
    p.set_defaults(func=cmd_experiment)

    checkpoint = argparse.ArgumentParser(add_help=False)
    checkpoint.add_argument("--checkpoint", required=True, help="checkpoint folder or Hub id")
    checkpoint.add_argument("--device", choices=DEVICES, default="cpu", help="where the model runs")
    checkpoint.add_argument("--precision", choices=PRECISIONS, default=DEFAULT_PRECISION,
                            help="auto: bf16 where the CPU or GPU has it, else fp32")
    checkpoint.add_argument("--batch-size", type=positive_int, default=32, help="reviews per forward pass")
    checkpoint.add_argument("--json", action="store_true", help="print one JSON value")

    p = sub.add_parser("evaluate", parents=[checkpoint], help="metrics of a checkpoint on labelled reviews")
    p.add_argument("--data", default="test", help="test, train, all, or a CSV / aclImdb folder")
    p.add_argument("--limit", type=positive_int, help="a random sample of this many reviews")
    p.add_argument("--seed", type=int, default=0, help="which random sample --limit draws")
    p.add_argument("--predictions", help="write the predictions table to this CSV (formula cells escaped)")
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser("predict", parents=[checkpoint], help="classify text or a CSV with a review column")
    p.add_argument("text", nargs="*", help="reviews to classify, one per argument")
    p.add_argument("--csv", help="a CSV with a 'review' column, instead of text")
    p.set_defaults(func=cmd_predict)

    p = sub.add_parser("robustness", parents=[checkpoint],
                       help="contrast pairs, behavioural tests and the error taxonomy of a checkpoint")
    p.add_argument("--save", action="store_true",
                   help="also write the report to CHECKPOINT/robustness.json (what the app shows without the dataset)")
    p.add_argument("--skip-taxonomy", action="store_true",
                   help="leave out the error taxonomy, which needs the IMDB test reviews and predictions.csv.gz")
    p.add_argument("--limit-taxonomy", type=positive_int, metavar="N",
                   help="tag a random sample of N test reviews instead of all 25,000")
    p.set_defaults(func=cmd_robustness)

    p = sub.add_parser("robustness-table", help="the saved robustness reports of checkpoints side by side (Markdown)")
    p.add_argument("checkpoints", nargs="+", help="checkpoint folders with a robustness.json")
    p.set_defaults(func=cmd_robustness_table)

    p = sub.add_parser("baseline", help="TF-IDF + logistic regression on the same split")
    p.add_argument("--data", choices=["official", "report"], default="official", help="which split (as train)")
    p.add_argument("--size", type=positive_int, help="training reviews drawn (official) or reviews in all (report)")
    p.add_argument("--seed", type=int, default=42, help="the split's seed")
    p.add_argument("--output", default="runs/baseline", help="run folder")
    p.set_defaults(func=cmd_baseline)

    p = sub.add_parser("card", help="(re)write the Hub metadata of run folders: the model card README.md from "
                                    "report.json, and config.json's compute dtype (float32)")
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

    add_data_commands(sub)  # data download: the IMDB archive, checked and converted

    p = sub.add_parser("table", help="print run folders' reports side by side")
    p.add_argument("runs", nargs="+", help="run or checkpoint folders with a report.json")
    p.set_defaults(func=cmd_table)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    warnings.filterwarnings("ignore", message=".*TRANSFORMERS_CACHE.*")
    try:
        return run_command(lambda: args.func(args))
    except KeyboardInterrupt:
        print("interrupted; a training run continues from its last saved step with --resume", file=sys.stderr)
        return 130
