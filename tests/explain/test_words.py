"""explain/words.py: word pieces merged back into the words a person typed, and the unread middle of a long
review.

Words depend only on the tokenizer, so most tests tokenise as ``Explainer.explain`` does (``encode`` on the
text with its line breaks blanked out) without a model; the last ones run the tiny BERT end to end.
"""
import json

import pytest

from explain.render import highlighted_segments
from explain.words import DroppedSpan, dropped_span, merge_word_pieces, word_groups
from sentiment.text import strip_line_breaks
from sentiment.tokenization import encode


def read(tokenizer, text, max_length=64):
    """(offsets, cut) of ``text`` as the explainer tokenises it."""
    encoded = encode(tokenizer, [strip_line_breaks(text)], max_length, return_offsets=True)[0]
    return [tuple(o) for o in encoded["offsets"]], encoded["cut"]


def words_of(tokenizer, text, max_length=64):
    offsets, _ = read(tokenizer, text, max_length)
    return [(w.word, w.start, w.end) for w in merge_word_pieces(text, offsets, [0.0] * len(offsets))]


def just_words(tokenizer, text):
    return [word for word, _, _ in words_of(tokenizer, text)]


# --- merging ------------------------------------------------------------------------------------

def test_word_scores_are_the_sum_of_their_pieces():
    # "isn't bad" read as isn ' t bad: "isn't" is one word, worth 1 + 2 + 4
    words = merge_word_pieces("isn't bad", [(0, 3), (3, 4), (4, 5), (6, 9)], [1.0, 2.0, 4.0, 8.0])
    assert [(w.word, w.start, w.end, w.score) for w in words] == [("isn't", 0, 5, 7.0), ("bad", 6, 9, 8.0)]
    assert word_groups("isn't bad", [(0, 3), (3, 4), (4, 5), (6, 9)]) == [[0, 1, 2], [3]]


def test_word_scores_sum_the_pieces_of_the_real_tokenizer(tokenizer):
    text = "unbelievably good"
    offsets, _ = read(tokenizer, text)
    assert offsets == [(0, 2), (2, 5), (5, 7), (7, 9), (9, 12), (13, 17)]  # un ##bel ##ie ##va ##bly good
    words = merge_word_pieces(text, offsets, [0.5, 1.0, 2.0, 4.0, 8.0, -1.0])
    assert [(w.word, w.score) for w in words] == [("unbelievably", 15.5), ("good", -1.0)]


def test_merging_needs_one_score_per_piece():
    with pytest.raises(ValueError, match="2 offsets but 3 token scores"):
        merge_word_pieces("a b", [(0, 1), (2, 3)], [1.0, 2.0, 3.0])


def test_punctuation_is_split_off_words_but_runs_stay_together(tokenizer):
    assert just_words(tokenizer, 'Great movie!!! (really) "Fun", 10/10...') == [
        "Great", "movie", "!!!", "(", "really", ")", '"', "Fun", '",', "10/10", "..."]


def test_contractions_and_hyphens_are_one_word(tokenizer):
    assert just_words(tokenizer, "It isn't bad, I can't lie; a well-made film.") == [
        "It", "isn't", "bad", ",", "I", "can't", "lie", ";", "a", "well-made", "film", "."]
    assert just_words(tokenizer, "I can\u2019t, a so-so 10/10") == ["I", "can\u2019t", ",", "a", "so-so", "10/10"]


def test_line_breaks_are_gaps_and_offsets_point_into_the_pasted_text(tokenizer):
    assert words_of(tokenizer, "Terrible plot.<br /><br />Great cast<BR>though.") == [
        ("Terrible", 0, 8), ("plot", 9, 13), (".", 13, 14), ("Great", 26, 31), ("cast", 32, 36),
        ("though", 40, 46), (".", 46, 47)]


def test_a_line_break_is_not_part_of_the_word_before_it(tokenizer):
    # an emoji and "<" are both symbols: without the <br /> blanked out they would be one word "😍<"
    assert words_of(tokenizer, "Loved it 😍<br />Great 👍<br />ok") == [
        ("Loved", 0, 5), ("it", 6, 8), ("😍", 9, 10), ("Great", 16, 21), ("👍", 22, 23), ("ok", 29, 31)]


def test_emoji_and_accents_keep_their_characters(tokenizer):
    assert just_words(tokenizer, "Loved it 😍😍 and Amélie's café scene, naïve but fun 👍!") == [
        "Loved", "it", "😍😍", "and", "Amélie's", "café", "scene", ",", "naïve", "but", "fun", "👍", "!"]
    assert just_words(tokenizer, "cafe\u0301 scene") == ["cafe\u0301", "scene"]  # e + combining acute: one letter
    assert just_words(tokenizer, "I \u2764\ufe0f it") == ["I", "\u2764\ufe0f", "it"]


def test_units_read_as_one_unknown_piece_are_one_word(tokenizer):
    # WordPiece reads "great😀" as a single [UNK] covering both the letters and the emoji
    assert words_of(tokenizer, "great😀 film") == [("great😀", 0, 6), ("film", 7, 11)]


# --- the unread middle --------------------------------------------------------------------------

# Twelve one-piece words; max_length 10 leaves 8 pieces: a quarter (2) from the head, 6 from the tail.
TWELVE = "one two three four five six seven eight nine ten eleven twelve"


def test_the_unread_middle_runs_from_the_end_of_the_head_to_the_start_of_the_tail(tokenizer):
    offsets, cut = read(tokenizer, TWELVE, max_length=10)
    span = dropped_span(TWELVE, offsets, cut)
    assert span == DroppedSpan(start=7, end=28, n_words=4, n_tokens=4)
    assert TWELVE[span.start:span.end] == " three four five six "
    assert span.message == "... 4 words not read by the model ..."
    assert words_of(tokenizer, TWELVE, max_length=10) == [
        ("one", 0, 3), ("two", 4, 7), ("seven", 28, 33), ("eight", 34, 39), ("nine", 40, 44), ("ten", 45, 48),
        ("eleven", 49, 55), ("twelve", 56, 62)]


def test_the_unread_count_is_of_words_not_punctuation(tokenizer):
    # max_length 12: 10 pieces, 2 from the head, 8 from the tail; "three , four !" (4 pieces, 2 words) unread
    text = "one two three, four! five six seven eight nine ten eleven twelve"
    offsets, cut = read(tokenizer, text, max_length=12)
    assert dropped_span(text, offsets, cut) == DroppedSpan(start=7, end=21, n_words=2, n_tokens=4)


def test_a_word_cut_by_the_head_shows_only_its_read_pieces(tokenizer):
    # max_length 6: 4 pieces, 1 from the head ("un"), 3 from the tail (good film ok)
    text = "unbelievably good film ok"
    offsets, cut = read(tokenizer, text, max_length=6)
    assert dropped_span(text, offsets, cut) == DroppedSpan(start=2, end=13, n_words=1, n_tokens=4)
    assert words_of(tokenizer, text, max_length=6) == [("un", 0, 2), ("good", 13, 17), ("film", 18, 22), ("ok", 23, 25)]


def test_a_word_cut_by_the_tail_shows_only_its_read_pieces(tokenizer):
    # max_length 7: 5 pieces, 1 from the head ("good"), 4 from the tail (##bel ##ie ##va ##bly)
    text = "good unbelievably"
    offsets, cut = read(tokenizer, text, max_length=7)
    assert dropped_span(text, offsets, cut) == DroppedSpan(start=4, end=7, n_words=1, n_tokens=1)
    assert words_of(tokenizer, text, max_length=7) == [("good", 0, 4), ("believably", 7, 17)]
    assert word_groups(text, offsets) == [[0], [1, 2, 3, 4]]


def test_a_review_that_fits_has_no_unread_middle(tokenizer):
    offsets, cut = read(tokenizer, TWELVE, max_length=14)  # 12 pieces + [CLS] + [SEP]
    assert dropped_span(TWELVE, offsets, cut) is None
    offsets, cut = read(tokenizer, TWELVE, max_length=13)  # one piece too many: 2 from the head, 9 from the tail
    span = dropped_span(TWELVE, offsets, cut)
    assert span == DroppedSpan(start=7, end=14, n_words=1, n_tokens=1)
    assert TWELVE[span.start:span.end] == " three "


# --- end to end, on the tiny BERT ----------------------------------------------------------------


def test_a_long_review_reports_exactly_the_part_the_model_did_not_read(explainer):
    # 1,000 one-piece words of 4 letters, word i at character 5 i. The checkpoint reads 64 tokens:
    # [CLS], 15 head words (a quarter of 62), 47 tail words, [SEP]; words 15 to 952 are not read.
    words = ["good", "film"] * 500
    text = " ".join(words)
    e = explainer.explain(text, n_steps=4)
    assert e.dropped == DroppedSpan(start=5 * 14 + 4, end=5 * 953, n_words=938, n_tokens=938)
    assert text[e.dropped.start:e.dropped.end] == " " + " ".join(words[15:953]) + " "
    assert len(e.input_ids) == 64
    assert [w.start for w in e.words] == [5 * i for i in [*range(15), *range(953, 1000)]]
    joined = "".join(s.text for s in highlighted_segments(e))
    assert joined == text[:74] + " [... 938 words not read by the model ...] " + text[4765:]
    assert json.loads(json.dumps(e.to_dict()))["dropped"] == {
        "start": 74, "end": 4765, "n_words": 938, "n_tokens": 938,
        "message": "... 938 words not read by the model ..."}


def test_a_short_review_has_nothing_dropped(explainer):
    e = explainer.explain("Short and sweet.", n_steps=4)
    assert e.dropped is None
    assert [(w.word, w.start, w.end) for w in e.words] == [("Short", 0, 5), ("and", 6, 9), ("sweet", 10, 15),
                                                           (".", 15, 16)]


def test_the_explainer_reads_line_breaks_as_gaps(explainer):
    text = "Terrible plot.<br /><br />Great cast<BR>though."
    e = explainer.explain(text, n_steps=4)
    assert [(w.word, w.start, w.end) for w in e.words] == words_of(explainer.tokenizer, text)
    assert [w.word for w in e.words] == ["Terrible", "plot", ".", "Great", "cast", "though", "."]
    assert e.input_ids == explainer.tokenizer(text.replace("<br /><br />", " ").replace("<BR>", " "))["input_ids"]
    assert "".join(s.text for s in highlighted_segments(e)) == text


def test_a_middle_without_letters_is_still_marked_unread(explainer):
    # 200 "!" between two words. The head keeps "good" and 14 "!" (characters 5-18), the tail 46 "!" (from
    # character 159) and "bad"; no letters mark the cut, so only the tokenizer's cut can say where it is.
    text = "good " + "!" * 200 + " bad"
    e = explainer.explain(text, n_steps=4)
    assert (e.dropped.start, e.dropped.end, e.dropped.n_tokens) == (19, 159, 140)
    assert [(w.word, w.start, w.end) for w in e.words] == [("good", 0, 4), ("!" * 14, 5, 19), ("bad", 206, 209)]
    joined = "".join(s.text for s in highlighted_segments(e))
    assert joined == text[:19] + f" [{e.dropped.message}] " + text[159:]
