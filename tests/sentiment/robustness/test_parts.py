"""sentiment/robustness/parts.py: the concession and the turn, negation cues, opinion words, edited words."""
import pytest

from sentiment.robustness.parts import contrast_split, edited_words, negation_cues, opinion_words, word_spans


def _split(text):
    split = contrast_split(text)
    if split is None:
        return None
    (a, b), (c, d), word = split
    return text[a:b], text[c:d], word


@pytest.mark.parametrize("text, concession, turn, word", [
    ("The acting was superb, but overall the movie was a boring mess.",
     "The acting was superb", "overall the movie was a boring mess", "but"),
    ("The cast was great; however, the film is a waste of time.", "The cast was great",
     "the film is a waste of time", "however"),
    ("The script was poor. Still, I enjoyed every minute of it.", "The script was poor",
     "I enjoyed every minute of it", "still"),
    # a conceding connective opening its sentence: the concession runs to the comma
    ("Although the music was awful, the film is a delight.", "the music was awful", "the film is a delight",
     "although"),
    # inside its sentence: the concession follows it, the turn is before it
    ("I loved it, although the acting was weak.", "the acting was weak", "I loved it", "although"),
    # the last contrast decides; everything before it is conceded
    ("Good cast, but a thin plot. Yet I cried at the end.", "Good cast, but a thin plot", "I cried at the end",
     "yet"),
    # a negation inside the turn stays in the turn
    ("The effects are stunning, but the story is not worth your time.", "The effects are stunning",
     "the story is not worth your time", "but"),
    # a quoted "but" is mentioned, not used
    ('He kept saying "but" all film. It was fun, but far too long.', 'He kept saying "but" all film. It was fun',
     "far too long", "but"),
])
def test_a_contrast_splits_into_concession_and_turn(text, concession, turn, word):
    assert _split(text) == (concession, turn, word)


@pytest.mark.parametrize("text", [
    "Not only funny but also moving.",        # adds, does not oppose
    "It was nothing but a bore.",              # "except"
    'The word "but" appears in the title.',    # quoted
    "A fine film with a superb cast.",         # no connective: first vs last sentence is the caller's business
    "Great fun, though.",                      # nothing after the connective in its sentence
])
def test_no_contrast_no_split(text):
    assert contrast_split(text) is None


def test_negation_cues_are_negators_and_words_ending_in_nt():
    text = "Nothing about it was dull, and I don't regret it; it isn\u2019t bad, never."
    assert [text[a:b] for a, b in negation_cues(text)] == ["Nothing", "don't", "isn\u2019t", "never"]


def test_opinion_words_keep_their_literal_polarity():
    text = "Not a single dull moment: a great, great film. Boring? No."
    assert [(text[a:b], p) for (a, b), p in opinion_words(text)] == [("dull", -1), ("great", 1), ("great", 1),
                                                                      ("Boring", -1)]


def test_edited_words_are_the_word_level_diff():
    original, edited = "A wonderful film with a great cast.", "A terrible film with a great cast, sadly."
    removed, inserted = edited_words(original, edited)
    assert [original[a:b] for a, b in removed] == ["wonderful"]
    assert [edited[a:b] for a, b in inserted] == ["terrible", "sadly"]
    assert edited_words("Same words.", "same WORDS!") == ([], [])  # case and punctuation are no edit


def test_word_spans_keep_inner_apostrophes():
    assert [w for w, _ in word_spans("It isn't 'bad'.")] == ["It", "isn't", "bad"]
