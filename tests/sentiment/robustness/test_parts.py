"""sentiment/robustness/parts.py: the concession and the turn, negation cues, opinion words, edited words."""
import pytest

from sentiment.robustness import parts as P
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


# ---- sentences, negation scopes and the parts of a whole review --------------------------------------

def _named(text, parts):
    return {kind: [text[a:b] for a, b in spans] for kind, spans in parts.items()}


def test_sentences_end_at_terminal_punctuation_not_inside_a_number():
    text = "Rated 3.5 stars. Fine!  What a ride?! It ends"
    assert [text[a:b] for a, b in P.sentences(text)] == ["Rated 3.5 stars", "Fine", "What a ride", "It ends"]
    assert P.sentences("... !!") == []


def test_a_negation_scope_runs_to_punctuation_a_connective_or_the_next_cue():
    text = "It isn't anywhere near his best work, yet I never regret it but not now."
    assert [(text[c[0]:c[1]], text[s[0]:s[1]] if s else None) for c, s in P.negation_scopes(text)] == [
        ("isn't", "anywhere near his best work"), ("never", "regret it"), ("not", "now")]
    assert P.negation_scopes("Not!") == [((0, 3), None)]


def test_not_only_but_also_is_neither_a_contrast_nor_a_negation():
    assert P.review_parts("Not only funny but also moving.") == {}


def test_the_parts_of_a_contrast_with_a_negation_inside_its_turn():
    text = "The plot is thin, but it is not boring."
    assert _named(text, P.review_parts(text)) == {
        "concession": ["The plot is thin"], "turn": ["it is not boring"], "negation_cue": ["not"],
        "negated": ["boring"], "literal_opinion": ["boring"]}


def test_without_a_connective_the_last_sentence_is_set_against_the_set_up():
    text = "I expected a lot. The acting is good. Sadly it is a dull film."
    assert _named(text, P.review_parts(text)) == {
        "set_up": ["I expected a lot", "The acting is good"], "last_sentence": ["Sadly it is a dull film"],
        "literal_opinion": ["good", "dull"]}
    assert "set_up" not in P.review_parts("A dull film, but well acted. Go.")  # a contrast wins
    assert P.review_parts("One sentence only") == {}


def test_a_quoted_but_makes_no_contrast_in_a_review():
    text = 'He said "but why" and left. Great film.'
    assert _named(text, P.review_parts(text)) == {
        "set_up": ['He said "but why" and left'], "last_sentence": ["Great film"], "literal_opinion": ["Great"]}
