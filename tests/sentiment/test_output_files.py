"""sentiment.output_files: formula cells escaped (OWASP), output paths checked before the work."""
import pandas as pd
import pytest

from sentiment.data import DataError
from sentiment.output_files import check_output_folder, check_output_path, spreadsheet_safe, write_csv


def test_cells_that_start_a_formula_get_a_quote_and_nothing_else_changes():
    frame = pd.DataFrame({
        "review": ["=cmd|' /C calc'!A0", "+1 great", "-2 bad", "@SUM(A1)", "\tx", "\ry", "fine = ok", "'quoted"],
        "p_positive": [0.1, 0.2, -0.5, 0.4, 0.5, 0.6, 0.7, 0.8],
    })
    safe = spreadsheet_safe(frame)
    assert safe["review"].tolist() == ["'=cmd|' /C calc'!A0", "'+1 great", "'-2 bad", "'@SUM(A1)", "'\tx", "'\ry",
                                       "fine = ok", "'quoted"]
    assert safe["p_positive"].tolist() == frame["p_positive"].tolist()  # numbers stay numbers
    assert frame["review"][0] == "=cmd|' /C calc'!A0"  # the input is not modified


def test_write_csv_escapes_what_it_writes(tmp_path):
    path = write_csv(pd.DataFrame({"id": ["=1+1"], "predicted": ["negative"]}), tmp_path / "out.csv")
    assert path.read_text() == "id,predicted\n'=1+1,negative\n"


def test_bad_output_paths_are_refused(tmp_path):
    with pytest.raises(DataError, match="is a folder"):
        check_output_path(tmp_path)
    with pytest.raises(DataError, match="does not exist"):
        check_output_path(tmp_path / "missing" / "out.csv")
    assert check_output_path(tmp_path / "out.csv") == tmp_path / "out.csv"


def test_the_file_check_tries_the_write_and_leaves_nothing_behind(tmp_path):
    # as root os.access says yes to /proc, where no file can be made: only trying tells
    with pytest.raises(DataError, match=r"^/proc/p\.csv: not writable \(No such file or directory\)$"):
        check_output_path("/proc/p.csv")
    check_output_path(tmp_path / "new.csv")
    assert list(tmp_path.iterdir()) == []  # the file it tried is gone again
    (tmp_path / "old.csv").write_text("kept")
    check_output_path(tmp_path / "old.csv")
    assert (tmp_path / "old.csv").read_text() == "kept"  # an existing file is left as it was


def test_the_folder_check_refuses_a_file_on_the_way_and_a_folder_nothing_can_be_made_in(tmp_path):
    (tmp_path / "f").write_text("x")
    with pytest.raises(DataError, match=f"^{tmp_path}/f: is a file; give a folder to write the run to$"):
        check_output_folder(tmp_path / "f")
    with pytest.raises(DataError, match=f"^{tmp_path}/f/run/deeper: {tmp_path}/f is a file, not a folder$"):
        check_output_folder(tmp_path / "f" / "run" / "deeper")
    with pytest.raises(DataError, match=r"^/proc/run: cannot write in /proc \(No such file or directory\)$"):
        check_output_folder("/proc/run")


def test_the_folder_check_passes_a_folder_to_be_made_and_makes_nothing(tmp_path):
    assert check_output_folder(tmp_path / "runs" / "new") == tmp_path / "runs" / "new"
    assert check_output_folder(tmp_path) == tmp_path
    assert list(tmp_path.iterdir()) == []


def test_a_write_that_fails_after_the_check_is_a_data_error(tmp_path, monkeypatch):
    def full_disk(self, *args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_csv", full_disk)
    with pytest.raises(DataError, match=r"out\.csv: could not be written \(No space left on device\)$"):
        write_csv(pd.DataFrame({"id": ["1"]}), tmp_path / "out.csv")
