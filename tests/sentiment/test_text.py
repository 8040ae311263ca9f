"""sentiment.text: what counts as review text, and the [UNK] warning."""
import pytest

from sentiment.data import DataError
from sentiment.text import MAX_REVIEW_CHARS, check_column, check_text, unknown_share, unknown_warning


@pytest.mark.parametrize("text", [
    "A fine film.",
    "Zero\u200bwidth space, a left-to-right mark\u200e and a right-to-left embedding \u202bטוב\u202c",
    "Tabs\tand\nnewlines\r\nare whitespace",
    "a" * MAX_REVIEW_CHARS,
])
def test_text_is_accepted_unchanged(text):
    assert check_text(text) is text


@pytest.mark.parametrize("text, message", [
    ("", "is empty"),
    ("   \n\t", "is empty"),
    (None, "is empty"),
    ("a" * (MAX_REVIEW_CHARS + 1), "100,001 characters long"),
    ("good movie \ud800 bad", "character 12 is a broken character"),
    ("caf\udcc3\udca9", "character 4 is a broken character"),  # b"caf\xc3\xa9" decoded as Latin-1 bytes
    ("nul\x00byte", "does not look like text"),
    ("\x01\x02\x03 ab", "does not look like text"),  # 3 control characters in 6
])
def test_what_is_not_text_gets_a_message(text, message):
    with pytest.raises(DataError, match=message):
        check_text(text)


def test_a_few_control_characters_in_a_long_text_are_tolerated():
    text = "x" * 95 + "\x07" * 5  # 5% bells
    assert check_text(text) is text
    with pytest.raises(DataError, match="does not look like text"):
        check_text("x" * 89 + "\x07" * 11)  # 11% bells


def test_column_check_names_the_row():
    with pytest.raises(DataError, match=r"^reviews.csv, row 3 is empty"):
        check_column(["good", "bad", " "], "reviews.csv")
    check_column(["good", "bad"], "reviews.csv")


def test_unknown_share_counts_unk_among_word_pieces_only(tokenizer):
    cls, sep, unk = tokenizer.cls_token_id, tokenizer.sep_token_id, tokenizer.unk_token_id
    word = tokenizer.convert_tokens_to_ids("good")
    assert unknown_share(tokenizer, [cls, unk, unk, unk, word, sep]) == 0.75
    assert unknown_share(tokenizer, [cls, sep]) == 0.0
    emoji = tokenizer("😀 " * 100, add_special_tokens=True)["input_ids"]
    assert unknown_share(tokenizer, emoji) == 1.0


def test_warning_only_above_half_unknown():
    assert unknown_warning(0.5) is None
    assert unknown_warning(0.0) is None
    assert "75% of its word pieces" in unknown_warning(0.75)


def test_plural_writes_the_count_and_the_right_noun():
    from sentiment.text import plural

    assert [plural(n, "row") for n in (0, 1, 2, 17137)] == ["0 rows", "1 row", "2 rows", "17,137 rows"]
    assert plural(1, "word piece") == "1 word piece" and plural(3, "category", "categories") == "3 categories"
