"""sentiment.arguments: bad flag values are refused by argparse, with the rule they broke."""
import argparse

import pytest

from sentiment.arguments import DefaultsHelpFormatter, number_in, positive_float, positive_int, probability


@pytest.mark.parametrize("parse, text, message", [
    (positive_int, "0", "0 must be at least 1"),
    (positive_int, "-5", "-5 must be at least 1"),
    (positive_int, "2.5", "'2.5' is not an integer"),
    (positive_float, "0", "0 must be above 0"),
    (positive_float, "nan", "'nan' is not a finite number"),
    (positive_float, "inf", "'inf' is not a finite number"),
    (probability, "1", r"1 is outside \[0, 1\)"),
    (probability, "-0.1", r"-0.1 is outside \[0, 1\)"),
    (number_in(int, 4, 512), "1", r"1 is outside \[4, 512\]"),
    (number_in(int, 4, 512), "513", r"513 is outside \[4, 512\]"),
])
def test_out_of_range_values_are_refused(parse, text, message):
    with pytest.raises(argparse.ArgumentTypeError, match=message):
        parse(text)


def test_values_in_range_come_back_typed():
    assert positive_int("3") == 3 and isinstance(positive_int("3"), int)
    assert positive_float("0.5") == 0.5
    assert probability("0") == 0.0
    assert number_in(int, 4, 512)("512") == 512
    assert number_in(float, 0.0)("0") == 0.0


# ---- --help shows every default (DefaultsHelpFormatter), on every command line that uses it ----

def test_help_shows_a_default_unless_there_is_none_to_show_or_the_help_says_it(monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    parser = argparse.ArgumentParser(formatter_class=DefaultsHelpFormatter)
    parser.add_argument("--size", type=int, default=500, help="held out")
    parser.add_argument("--rate", type=float, default=0.0, help="a rate")  # a zero is still a default
    parser.add_argument("--output", help="run folder")  # None: nothing to show
    parser.add_argument("--json", action="store_true", help="print JSON")  # a switch that is off
    parser.add_argument("--name", default="x", help="run name (default: from --data)")  # says it already
    lines = {line.split()[0]: " ".join(line.split()[1:]) for line in parser.format_help().splitlines()
             if line.strip().startswith("--")}
    assert lines == {"--size": "SIZE held out (default: 500)", "--rate": "RATE a rate (default: 0.0)",
                     "--output": "OUTPUT run folder", "--json": "print JSON",
                     "--name": "NAME run name (default: from --data)"}


def _parsers(parser: argparse.ArgumentParser, path: tuple = ()):
    """``(command path, parser)`` for a parser and every subcommand under it."""
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _parsers(sub, (*path, name))


def _check_help(parser: argparse.ArgumentParser, rendered: str) -> int:
    """Every flag and subcommand has help; ``rendered`` (its --help) shows each flag's default unless the
    default is None or False or the help mentions its default itself. Returns the defaults checked."""
    text = " ".join(rendered.split())
    shown = 0
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):  # the list of subcommands: each has help
            for choice in action._choices_actions:
                assert (choice.help or "").strip(), f"{parser.prog} {choice.dest}: no help"
            continue
        help_text = " ".join((action.help or "").replace("%%", "%").split())
        assert help_text and action.help != argparse.SUPPRESS, f"{parser.prog}: {action.option_strings or action.dest}"
        if isinstance(action, argparse._HelpAction):
            continue
        # the flag as --help writes it ("--max_length MAX_LENGTH, --max-length MAX_LENGTH"), then its help
        line = f"{parser._get_formatter()._format_action_invocation(action)} {help_text}"
        where = f"{parser.prog} {action.option_strings or action.dest}"
        assert line in text, where
        if "default" in help_text or action.default is None or action.default is False:
            assert f"{line} (default:" not in text, where
        else:
            assert f"{line} (default: {action.default})" in text, where
            shown += 1
    return shown


def test_every_sentiment_command_and_flag_has_help_and_shows_its_default(monkeypatch):
    from sentiment.cli import build_parser

    monkeypatch.setenv("COLUMNS", "1000")  # one line per flag: nothing wrapped inside a default
    parsers = dict(_parsers(build_parser()))
    assert set(parsers) == {(), ("train",), ("experiment",), ("evaluate",), ("predict",), ("read-length",),
                            ("robustness",), ("robustness-table",), ("baseline",), ("card",), ("study",), ("data",),
                            ("data", "download"), ("table",)}
    shown = {path: _check_help(parser, parser.format_help()) for path, parser in parsers.items()}
    # train: 14 TrainConfig flags (all have a default), 4 RunOptions defaults (output and test_limit are None,
    # the two switches are off), --data (--replay-ratio's help names its default itself)
    assert shown[("train",)] == 14 + 4 + 1
    # evaluate: --device, --precision, --batch-size, --data, --seed; data download: --url
    assert shown[("evaluate",)] == 5 and shown[("data", "download")] == 1
    # read-length: --device, --precision, --batch-size, --data, --replay-ratio, --lengths
    assert shown[("read-length",)] == 6


def test_the_help_the_command_prints_is_the_help_checked(monkeypatch, capsys):
    from sentiment.cli import build_parser, main

    monkeypatch.setenv("COLUMNS", "1000")
    with pytest.raises(SystemExit) as exit_:
        main(["train", "--help"])
    assert exit_.value.code == 0
    (train,) = [p for path, p in _parsers(build_parser()) if path == ("train",)]
    assert capsys.readouterr().out == train.format_help()


def test_explain_help_shows_every_default(monkeypatch, capsys):
    from explain.__main__ import _parser, main

    monkeypatch.setenv("COLUMNS", "1000")
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    # --checkpoint, --method, --top; --baseline's help names its default itself
    assert _check_help(_parser(), capsys.readouterr().out) == 3


def _help_of(main, monkeypatch, capsys) -> tuple[argparse.ArgumentParser, str]:
    """The parser a command's ``main`` builds, caught as it parses ``--help``, and the help it printed."""
    monkeypatch.setenv("COLUMNS", "1000")
    built = []
    parse_args = argparse.ArgumentParser.parse_args

    def catching(self, *args, **kwargs):
        built.append(self)
        return parse_args(self, *args, **kwargs)

    monkeypatch.setattr(argparse.ArgumentParser, "parse_args", catching)
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    return built[0], capsys.readouterr().out


def test_patterns_help_shows_every_default(monkeypatch, capsys):
    from explain import patterns

    # --checkpoint, --precision
    assert _check_help(*_help_of(patterns.main, monkeypatch, capsys)) == 2


def test_faithfulness_help_shows_every_default(monkeypatch, capsys):
    from explain import faithfulness

    # --checkpoint, --reviews, --method, --baseline, --seed
    assert _check_help(*_help_of(faithfulness.main, monkeypatch, capsys)) == 5
