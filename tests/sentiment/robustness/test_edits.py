"""sentiment/robustness/edits.py: the edits a teacher would try, on hand-made reviews whose right edit is known."""
import time

import pytest

from sentiment.errors import DataError
from sentiment.robustness import edits as E
from sentiment.robustness.edits import MAX_EDITS, MAX_SENTENCE_CHARS, Edit, suggest_edits, verdict_sentence
from sentiment.robustness.lexicon import NEGATIVE_WORDS, OPPOSITES, POSITIVE_WORDS
from sentiment.text import MAX_REVIEW_CHARS


def _texts(review: str, kind: str) -> list[str]:
    return [e.text for e in suggest_edits(review) if e.kind == kind]


def test_the_technical_marvel_swapped_negated_and_cut_to_either_clause():
    assert suggest_edits("A technical marvel, but it cannot be taken seriously.") == [
        Edit("negation", "negate the verdict: 'cannot' -> 'can'", "A technical marvel, but it can be taken seriously."),
        Edit("swap_clauses", "swap the clauses around 'but'", "It cannot be taken seriously, but a technical marvel."),
        Edit("drop_concession", "keep only the turn of 'but' (drop the concession)", "It cannot be taken seriously."),
        Edit("drop_turn", "keep only the concession of 'but' (drop the turn)", "A technical marvel."),
    ]


def test_a_three_sentence_review_every_rule_in_order():
    review = "I saw it with Anna Smith. The cast is great, yet the story is dull. It is not worth it."
    assert [(e.kind, e.text) for e in suggest_edits(review)] == [
        ("negation", "I saw it with Anna Smith. The cast is great, yet the story is dull. It is worth it."),
        ("swap_clauses", "I saw it with Anna Smith. The story is dull, yet the cast is great. It is not worth it."),
        ("drop_concession", "I saw it with Anna Smith. The story is dull. It is not worth it."),
        ("drop_turn", "I saw it with Anna Smith. The cast is great. It is not worth it."),
        ("drop_last_sentence", "I saw it with Anna Smith. The cast is great, yet the story is dull."),
        ("name", "I saw it with Anna Kowalski. The cast is great, yet the story is dull. It is not worth it."),
        ("opposite_word", "I saw it with Anna Smith. The cast is great, yet the story is compelling. It is not "
                          "worth it."),
        ("opposite_word", "I saw it with Anna Smith. The cast is terrible, yet the story is dull. It is not worth it."),
        ("opposite_words", "I saw it with Anna Smith. The cast is terrible, yet the story is compelling. It is not "
                           "worth it."),
    ]


@pytest.mark.parametrize("review, swapped", [
    ("The cast was great; however, the film is a waste of time.",
     "The film is a waste of time; however, the cast was great."),
    ("Funny, yet it drags.", "It drags, yet funny."),
    # a conceding connective: at the start of its sentence the clauses trade places behind it ...
    ("Although the music was awful, the film is a delight.", "Although the film is a delight, the music was awful."),
    # ... inside it, the turn before it and the concession after it trade places
    ("I loved it, though the acting was weak.", "The acting was weak, though I loved it."),
    # "I" and a name keep their capital in the middle of the sentence
    ("Meg Ryan is wonderful, but I was bored.", "I was bored, but Meg Ryan is wonderful."),
    # the last sentence with a contrast; the sentences around it stay
    ("Good cast, but a thin plot. I cried at the end.", "A thin plot, but good cast. I cried at the end."),
])
def test_swap_the_clauses_around_the_connective(review, swapped):
    assert _texts(review, "swap_clauses") == [swapped]


@pytest.mark.parametrize("review, swapped, turn", [
    # a quote or bracket opening a clause moves with it, and the first letter after it takes the case
    ('The effects were great, but "the story" was dull.', '"The story" was dull, but the effects were great.',
     '"The story" was dull.'),
    ("I wanted to like it but 'Avatar' it is not.", "'Avatar' it is not but I wanted to like it.",
     "'Avatar' it is not."),
    ("Great effects, but (sadly) a dull story.", "(Sadly) a dull story, but great effects.", "(Sadly) a dull story."),
    # an HTML tag's name keeps its case
    ("I loved it but <b>the end</b> was bad.", "<b>the end</b> was bad but I loved it.", "<b>the end</b> was bad."),
    # ... and the quote or bracket closing what it opened, at the end of the sentence too
    ('I liked "Up", but the end drags.', 'The end drags, but I liked "Up".', "The end drags."),
    ('The end drags, but I liked "Up".', 'I liked "Up", but the end drags.', 'I liked "Up".'),
    ("Great effects (really), but a dull story.", "A dull story, but great effects (really).", "A dull story."),
])
def test_a_clause_takes_its_quotes_and_brackets_along(review, swapped, turn):
    assert _texts(review, "swap_clauses") == [swapped]
    assert _texts(review, "drop_concession") == [turn]


def test_keep_either_clause_of_a_conceding_connective():
    review = "I loved it, though the acting was weak."
    assert _texts(review, "drop_concession") == ["I loved it."]
    assert _texts(review, "drop_turn") == ["The acting was weak."]


@pytest.mark.parametrize("review", [
    "Not only funny but also moving.",   # "but also" adds
    "The acting was superb. Still, I enjoyed every minute of it.",  # across sentences: left alone
    'The word "but" appears in the title.',
])
def test_no_contrast_no_clause_edits(review):
    assert {e.kind for e in suggest_edits(review)} & {"swap_clauses", "drop_concession", "drop_turn"} == set()


@pytest.mark.parametrize("review, negated", [
    ("The film is a delight.", "The film is not a delight."),
    ("The film was a mess.", "The film was not a mess."),
    ("IT IS DULL.", "IT IS NOT DULL."),
    ("It isn't good.", "It is good."),
    ("It isn\u2019t good.", "It is good."),
    ("I don't like it.", "I do like it."),
    ("It won't bore you.", "It will bore you."),
    ("You can see it twice.", "You cannot see it twice."),
    ("It's a great film.", "It's not a great film."),
    ("The plot is not good.", "The plot is good."),
    ("Never boring.", "Boring."),
    ("I loved it.", "I did not love it."),
    ("It fails on every level.", "It does not fail on every level."),
    ("We enjoy it.", "We do not enjoy it."),
    # the verdict clause is the turn: the concession keeps its "was"
    ("The acting was superb, but overall the movie was a boring mess.",
     "The acting was superb, but overall the movie was not a boring mess."),
    ("Although it was fun, it is not a good film.", "Although it was fun, it is a good film."),
    # the verdict sentence is the last with an opinion word or a negation: not the trailing remark
    ("The acting is great. I saw it in 2005.", "The acting is not great. I saw it in 2005."),
    # "not only" is no negation: "is" gets one
    ("Not only funny but also moving, it is a gem.", "Not only funny but also moving, it is not a gem."),
])
def test_negate_the_verdict(review, negated):
    assert _texts(review, "negation") == [negated]


@pytest.mark.parametrize("review", [
    "There is no plot.",            # "no" has no plain opposite, and a second negation would only stack
    "Nothing works.",
    "A thin plot, but a superb cast.",  # no verb in the verdict clause
    "The acting was superb, but a boring mess.",  # the concession's verb is not the verdict's
    "It was not only funny but also great.",  # "not only" is no negation, and "was not not" no edit
])
def test_no_negation_where_no_rule_applies(review):
    assert _texts(review, "negation") == []


def test_the_negation_edit_says_what_changed():
    (edit,) = [e for e in suggest_edits("The plot is not good.") if e.kind == "negation"]
    assert edit.description == "negate the verdict: drop 'not'"
    (edit,) = [e for e in suggest_edits("I loved it.") if e.kind == "negation"]
    assert edit.description == "negate the verdict: 'loved' -> 'did not love'"


def test_verdict_sentence():
    text = "The acting is great. I saw it in 2005."
    assert verdict_sentence(text) == (0, 19)
    assert verdict_sentence("I saw it. It was long.") == (10, 21)  # no opinion anywhere: the last sentence
    assert verdict_sentence("!!!") is None


def test_drop_the_last_sentence_of_two_or_more():
    assert _texts("A great cast. The ending ruins it.", "drop_last_sentence") == ["A great cast."]
    assert _texts("A great cast, and the ending ruins it.", "drop_last_sentence") == []


@pytest.mark.parametrize("review, opposite", [
    ("It is a great film.", "It is a terrible film."),
    ("Great film!", "Terrible film!"),
    ("An enjoyable film.", "A tedious film."),       # the article follows the word
    ("It was a weak film.", "It was an impressive film."),
    ("I loved it.", "I hated it."),
])
def test_an_opinion_word_becomes_its_opposite(review, opposite):
    assert _texts(review, "opposite_word") == [opposite]


def test_every_occurrence_of_the_word_and_then_all_words_at_once():
    review = "Great acting, great music, but a dull script."
    assert suggest_edits(review)[-3:] == [
        Edit("opposite_word", "replace 'dull' by its opposite 'compelling'",
             "Great acting, great music, but a compelling script."),
        Edit("opposite_word", "replace 'great' by its opposite 'terrible'",
             "Terrible acting, terrible music, but a dull script."),
        Edit("opposite_words", "replace every opinion word by its opposite (great -> terrible, dull -> compelling)",
             "Terrible acting, terrible music, but a compelling script."),
    ]


def test_opposites_pair_a_positive_and_a_negative_word_of_the_lexicon_both_ways():
    for word, opposite in OPPOSITES.items():
        assert {word, opposite} & POSITIVE_WORDS and {word, opposite} & NEGATIVE_WORDS, word
        assert OPPOSITES[opposite] == word


def test_names_change_as_a_control():
    review = "I watched it for Tom Hanks and Meg Ryan; Tom Hanks is great."
    (edit,) = [e for e in suggest_edits(review) if e.kind == "name"]
    assert edit == Edit("name", "change the names (Tom Hanks -> Anna Kowalski, Meg Ryan -> David Okafor): a control, "
                                "it should not matter",
                        "I watched it for Anna Kowalski and David Okafor; Anna Kowalski is great.")


def test_a_sentence_starts_with_a_capital_anyway_so_it_starts_no_name():
    assert _texts("The Acting is great.", "name") == []
    assert _texts("I saw it. Great Acting.", "name") == []


def test_quoted_titles_change_as_a_control():
    # a quoted remark ("Wow!") is no title
    review = 'I saw \u201cThe Lord of the Rings\u201d with Anna Smith. "Wow!" she said.'
    assert _texts(review, "title") == ['I saw \u201cBlue Harbor\u201d with Anna Smith. "Wow!" she said.']
    # the title's words are no name: only Anna Smith changes
    assert _texts(review, "name") == ['I saw \u201cThe Lord of the Rings\u201d with Anna Kowalski. "Wow!" she said.']


def test_edits_change_the_text_repeat_nothing_and_stop_at_the_cap():
    review = ('I watched "Red Moon" for Tom Hanks. The acting was great, but the film is a boring mess. '
              'I would not recommend it.')
    edits = suggest_edits(review)
    texts = [e.text for e in edits]
    assert len(edits) == MAX_EDITS and review not in texts and len(set(texts)) == len(texts)
    # the controls come before the opinion words, so the cap keeps them
    assert [e.kind for e in edits][5:] == ["name", "title", "opposite_word", "opposite_word", "opposite_word"]


def test_an_edit_that_changes_nothing_is_left_out():
    # the clauses swapped read as before
    assert [e.kind for e in suggest_edits("Dull, but dull.")] == ["drop_concession", "opposite_word"]


def test_an_edit_that_repeats_an_earlier_one_is_left_out():
    # every opinion word flipped is the clauses swapped: given once, as the swap
    assert [(e.kind, e.text) for e in suggest_edits("Good, but bad.")] == [
        ("swap_clauses", "Bad, but good."), ("drop_concession", "Bad."), ("drop_turn", "Good."),
        ("opposite_word", "Good, but good."), ("opposite_word", "Bad, but bad.")]


@pytest.mark.parametrize("bad", ["", "   \n\t", None])
def test_no_text_is_a_data_error(bad):
    with pytest.raises(DataError, match="is empty: give some review text"):
        suggest_edits(bad)


def test_a_text_with_no_words_gets_no_edits():
    assert suggest_edits("!!! ?? ...") == []
    assert suggest_edits("<br /><br />") == []


def test_html_line_breaks_are_spaces_to_the_rules_and_stay_in_the_edits():
    review = "Great film.<br /><br />Dull ending, I hated it."
    assert _texts(review, "drop_last_sentence") == ["Great film."]
    assert _texts(review, "negation") == ["Great film.<br /><br />Dull ending, I did not hate it."]


def test_a_review_at_the_length_limit_is_quick_and_one_over_it_is_refused():
    review = ("The acting was great, but the film is a boring mess with Tom Hanks. I would not recommend it. "
              * 2_000)[:MAX_REVIEW_CHARS]
    start = time.perf_counter()
    edits = suggest_edits(review)
    assert time.perf_counter() - start < 5
    assert {"swap_clauses", "drop_last_sentence", "name", "opposite_word"} <= {e.kind for e in edits}
    with pytest.raises(DataError, match="characters are accepted"):
        suggest_edits(review + "x")
    # a paste full of names: each run of capitalised words looks back a few words, not at the whole text
    names = ("Tom Hanks met Ann Lee and Bob Ray here. " * 3_000)[:MAX_REVIEW_CHARS]
    start = time.perf_counter()
    assert "name" in {e.kind for e in suggest_edits(names)}
    assert time.perf_counter() - start < 5


def test_a_run_on_sentence_is_passed_over_by_the_sentence_rules_and_stays_quick():
    # a paste without full stops, full of connectives and cues: quadratic in parts' rules, so skipped
    review = ("good but not " * 10_000)[:MAX_REVIEW_CHARS]
    assert len(review) > MAX_SENTENCE_CHARS
    start = time.perf_counter()
    edits = suggest_edits(review)
    assert time.perf_counter() - start < 5
    assert [e.kind for e in edits] == ["opposite_word"]


# ---- what a hostile tester found on real reviews ---------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ('It was "dull.', True), ('It was "dull."', False), ("A (long film.", True), ("A long) film (.", True),
    ("A [long] (film).", False), ("\u201cDull.", True), ("\u201cDull.\u201d", False), ("Plain.", False)])
def test_what_leaves_a_bracket_or_quote_open(text, expected):
    assert E.leaves_open(text) is expected


def test_an_edit_that_would_leave_a_quote_open_is_dropped():
    # the sentences are cut inside the quote ('It was "dull.' | 'Boring."'): dropping the last would leave it open
    assert "drop_last_sentence" not in [e.kind for e in E.suggest_edits('It was "dull. Boring."')]
    assert "drop_last_sentence" in [e.kind for e in E.suggest_edits("It was dull. Boring.")]


def test_a_name_with_a_capital_inside_keeps_it_when_moved():
    swap = next(e for e in E.suggest_edits("O'Brien was great, but the film was dull.") if e.kind == "swap_clauses")
    assert swap.text == "The film was dull, but O'Brien was great."


def test_capitalised_words_after_a_determiner_are_no_persons_name():
    text = "I sang with the Santa Lucia Choir, an annual Christmas Market and Tom Hanks."
    assert E.person_names(text) == [((text.index("Tom"), text.index("Tom") + len("Tom Hanks")), "Tom Hanks")]


def test_the_end_of_a_word_is_no_article():
    # a 4-character window before "great" starts inside "Kan": its "an" is no article to fit
    assert E._replaced("Kan  great film", [((5, 10), "terrible")]) == "Kan  terrible film"
    assert E._replaced("an  great film", [((4, 9), "terrible")]) == "a  terrible film"
