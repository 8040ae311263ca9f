from sentiment.tokenization import encode, head_tail_cut


def test_short_review_is_untouched(tokenizer):
    (item,) = encode(tokenizer, ["A fine film."], max_length=16, return_offsets=True)
    assert tokenizer.decode(item["input_ids"]) == "[CLS] a fine film. [SEP]"
    assert item["cut"].dropped == 0
    assert item["offsets"][0] == (0, 1)


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


def test_cut_sizes():
    assert head_tail_cut(10, 256).dropped == 0
    cut = head_tail_cut(1000, 256)
    assert cut.head_end + (cut.n - cut.tail_start) == 254
    assert cut.head_end == 63
