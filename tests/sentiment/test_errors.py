"""sentiment.errors.run_command: a mistake the user can fix is one line, ``error: MESSAGE``, and exit status 2;
anything else is a bug and keeps its traceback."""
import pytest

from sentiment.devices import DeviceError
from sentiment.imdb_archive import DownloadError
from sentiment.errors import (ArgumentError, CheckpointError, DataError, DataMissingError, UserError,
                              run_command)

USER_ERRORS = [UserError, DataError, DataMissingError, ArgumentError, CheckpointError, DeviceError, DownloadError]


def _all_subclasses(cls):
    return {cls} | {s for sub in cls.__subclasses__() for s in _all_subclasses(sub)}


def test_every_user_error_of_the_package_is_checked_here():
    # a new UserError subclass gets a row in USER_ERRORS (and so the check below)
    mine = {c for c in _all_subclasses(UserError) if c.__module__.startswith(("sentiment", "explain", "webapp"))}
    assert mine == set(USER_ERRORS)


@pytest.mark.parametrize("error", USER_ERRORS, ids=lambda e: e.__name__)
def test_a_user_error_is_one_line_on_stderr_and_status_2(error, capsys):
    def command():
        print("working")
        raise error("the file reviews.csv, row 3: empty review")

    assert run_command(command) == 2
    captured = capsys.readouterr()
    assert captured.err == "error: the file reviews.csv, row 3: empty review\n"
    assert captured.out == "working\n"  # what the command printed before it failed stays


def test_success_is_status_0_and_prints_nothing_of_its_own(capsys):
    assert run_command(lambda: print("done")) == 0
    assert capsys.readouterr() == ("done\n", "")


@pytest.mark.parametrize("error", [ValueError("a bug"), KeyError("column"), RuntimeError("CUDA out of memory"),
                                   KeyboardInterrupt()], ids=lambda e: type(e).__name__)
def test_other_exceptions_propagate(error, capsys):
    def command():
        raise error

    with pytest.raises(type(error)):
        run_command(command)
    assert capsys.readouterr().err == ""


def test_data_and_argument_errors_are_also_value_errors():
    # callers that catch ValueError (pandas-style code) still catch bad data and bad arguments
    assert issubclass(DataError, ValueError) and issubclass(ArgumentError, ValueError)
    assert issubclass(DataMissingError, DataError) and issubclass(DeviceError, ArgumentError)
    assert not issubclass(CheckpointError, ValueError)
