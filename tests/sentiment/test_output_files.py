"""sentiment.output_files: formula cells escaped (OWASP), output paths checked before the work."""
import pandas as pd
import pytest

from sentiment.data import DataError
from sentiment.output_files import check_output_path, spreadsheet_safe, write_csv


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
