"""sentiment.tokenization: head + tail truncation, and exactly which tokens a model reads."""
import pytest

from sentiment.robustness.taxonomy import token_counts
from sentiment.tokenization import Cut, encode, head_tail_cut, pad_batch

# 19 one-letter words: each is one word piece, "a" is id 1037, "b" 1038, ...; letter i starts at character 2i.
LETTERS = "abcdefghijklmnopqrs"


def test_short_review_is_untouched(tokenizer):
    (item,) = encode(tokenizer, ["A fine film."], max_length=16, return_offsets=True)
    assert tokenizer.decode(item["input_ids"]) == "[CLS] a fine film. [SEP]"
    assert item["cut"].dropped == 0
    assert item["offsets"][0] == (0, 1)


def test_pasted_special_tokens_are_text_not_the_models_markers(tokenizer):
    text = "Great [PAD] [SEP] film [MASK]"
    (item,) = encode(tokenizer, [text], max_length=32, return_offsets=True)
    assert tokenizer.convert_ids_to_tokens(item["input_ids"]) == [
        "[CLS]", "great", "[", "pad", "]", "[", "sep", "]", "film", "[", "mask", "]", "[SEP]"]
    assert [text[slice(*o)] for o in item["offsets"]] == ["Great", "[", "PAD", "]", "[", "SEP", "]", "film", "[",
                                                          "MASK", "]"]
    # the tags' length counts read the same pieces: 1 + 3 + 3 + 1 + 3
    assert token_counts(tokenizer, [text]).tolist() == [11]


def test_head_tail_truncation_keeps_both_ends(tokenizer):
    text = "opening " + "middle " * 500 + "verdict"
    (item,) = encode(tokenizer, [text], max_length=64, return_offsets=True)
    ids = item["input_ids"]
    assert len(ids) == 64
    assert tokenizer.convert_ids_to_tokens(ids[:2]) == ["[CLS]", "opening"]
    assert tokenizer.convert_ids_to_tokens(ids[-2:]) == ["verdict", "[SEP]"]
    cut = item["cut"]
    assert cut.n == 502 and cut.head_end == 15 and cut.dropped == 502 - 62
    # offsets of kept tokens point into the original text, across the gap
    assert text[slice(*item["offsets"][-1])] == "verdict"
    assert text[slice(*item["offsets"][0])] == "opening"


# max_length 16: 14 content tokens fit beside [CLS] and [SEP]; the head is int(14 * 0.25) = 3 tokens,
# the tail the other 11.
@pytest.mark.parametrize("n_content, kept, cut", [
    (13, "abcdefghijklm", Cut(13, 13, 13)),  # 15 tokens in all: one to spare
    (14, "abcdefghijklmn", Cut(14, 14, 14)),  # 16 = max_length: fits exactly
    (15, "abc" + "efghijklmno", Cut(15, 3, 4)),  # 17 = max_length + 1: the 4th token goes
    (16, "abc" + "fghijklmnop", Cut(16, 3, 5)),  # two go
    (17, "abc" + "ghijklmnopq", Cut(17, 3, 6)),
])
def test_exactly_which_tokens_are_kept_around_max_length(tokenizer, n_content, kept, cut):
    text = " ".join(LETTERS[:n_content])
    (item,) = encode(tokenizer, [text], max_length=16, return_offsets=True)
    assert item["input_ids"] == [tokenizer.cls_token_id, *(1037 + LETTERS.index(c) for c in kept),
                                 tokenizer.sep_token_id]
    assert item["cut"] == cut
    assert item["cut"].dropped == n_content - len(kept)
    assert item["offsets"] == [(2 * LETTERS.index(c), 2 * LETTERS.index(c) + 1) for c in kept]


def test_the_smallest_max_length_keeps_only_the_tail(tokenizer):
    # max_length 4: two content tokens fit, and a quarter of two is no head at all
    (item,) = encode(tokenizer, ["a b c d e"], max_length=4)
    assert item["input_ids"] == [tokenizer.cls_token_id, 1040, 1041, tokenizer.sep_token_id]  # d e
    assert item["cut"] == Cut(5, 0, 3)


def test_cut_sizes():
    assert head_tail_cut(10, 256) == Cut(10, 10, 10) and head_tail_cut(10, 256).dropped == 0
    assert head_tail_cut(254, 256) == Cut(254, 254, 254)
    assert head_tail_cut(255, 256) == Cut(255, 63, 64)  # 63 = int(254 / 4); 191 from the end
    cut = head_tail_cut(1000, 256)
    assert cut == Cut(1000, 63, 809) and cut.dropped == 746
    assert head_tail_cut(1000, 512) == Cut(1000, 127, 617)  # Sun et al.'s 128 + 382 of 510, within one
    assert head_tail_cut(0, 4) == Cut(0, 0, 0)


@pytest.mark.parametrize("max_length", [3, 2, 0])
def test_max_length_below_four_is_refused(max_length):
    with pytest.raises(ValueError, match=f"max_length must be at least 4, got {max_length}"):
        head_tail_cut(10, max_length)


def test_encode_keeps_input_order_and_offsets_only_on_request(tokenizer):
    items = encode(tokenizer, ["a b", "c"], max_length=8)
    assert [i["input_ids"][1:-1] for i in items] == [[1037, 1038], [1039]]
    assert all("offsets" not in i for i in items)


def test_pad_batch_pads_to_the_longest_with_a_mask(tokenizer):
    batch = pad_batch(tokenizer, [[101, 1037, 102], [101, 102]])
    assert batch["input_ids"].tolist() == [[101, 1037, 102], [101, 102, 0]]
    assert batch["attention_mask"].tolist() == [[1, 1, 1], [1, 1, 0]]
