"""Sensitive-word scanning: evasions fold away, spans point into the original text, no false alarms."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aftersale.policy.services import DEFAULT_PLAYBOOK, playbook_parse
from aftersale.sla.lexicon import Lexicon, Match, highlight, lexicon_for, normalise

DEFAULT_WORDS = tuple(playbook_parse(DEFAULT_PLAYBOOK.read_text(encoding="utf-8")).lexicon.words)
LEXICON = Lexicon(DEFAULT_WORDS)


def found(text: str) -> list[tuple[str, str]]:
    """(lexicon word, passage as written) for each match."""
    return [(m.word, text[m.start : m.end]) for m in LEXICON.scan(text)]


def test_the_playbook_ships_the_rules_words():
    assert set(DEFAULT_WORDS) >= {
        "12315",
        "消协",
        "起诉",
        "律师",
        "曝光",
        "媒体",
        "记者",
        "投诉",
        "假货",
        "欺诈",
    }


@pytest.mark.parametrize("word", DEFAULT_WORDS)
def test_every_default_word_is_found(word):
    text = f"你们再不处理，我就{word}了"
    assert LEXICON.scan(text) == [Match(word, 9, 9 + len(word))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # traditional characters
        ("我要去找記者", [("记者", "記者")]),
        ("準備起訴你們", [("起诉", "起訴")]),
        ("這是假貨，涉嫌欺詐", [("假货", "假貨"), ("欺诈", "欺詐")]),
        ("已經聯繫律師和消協", [("律师", "律師"), ("消协", "消協")]),
        ("我要向媒體投訴", [("媒体", "媒體"), ("投诉", "投訴")]),
        # full-width letters and digits
        ("我打了１２３１５", [("12315", "１２３１５")]),
        # spaces, including the ideographic space and a tab
        ("我会 曝 光 你们", [("曝光", "曝 光")]),
        ("马上打 1 2 3 1 5", [("12315", "1 2 3 1 5")]),
        ("准备起\u3000诉", [("起诉", "起\u3000诉")]),
        ("找律\t师", [("律师", "律\t师")]),
        # punctuation and symbols
        ("曝-光", [("曝光", "曝-光")]),
        ("起*诉", [("起诉", "起*诉")]),
        ("曝。光", [("曝光", "曝。光")]),
        ("我要投，诉", [("投诉", "投，诉")]),
        ("假😡货", [("假货", "假😡货")]),
        ("媒\u200b体", [("媒体", "媒\u200b体")]),
        # mixed
        ("打 １-2 ３·1 5，再找記_者曝*光", [("12315", "１-2 ３·1 5"), ("记者", "記_者"), ("曝光", "曝*光")]),
    ],
)
def test_evasions_still_match(text, expected):
    assert found(text) == expected


def test_spans_point_into_the_original_text():
    text = "收到的是假貨！！我要 起 * 訴 你们，还要找媒-体"
    matches = LEXICON.scan(text)
    assert [(m.word, m.start, m.end) for m in matches] == [("假货", 4, 6), ("起诉", 11, 16), ("媒体", 23, 26)]
    assert [text[m.start : m.end] for m in matches] == ["假貨", "起 * 訴", "媒-体"]


def test_spans_in_a_long_text():
    head = "商品有划痕，" * 700
    text = head + "曝 光" + "。" * 999 + "律" + " " * 300 + "师" + "好" * 500
    assert found(text) == [("曝光", "曝 光"), ("律师", "律" + " " * 300 + "师")]
    assert LEXICON.scan(text)[0].start == len(head)


def test_overlapping_matches_are_all_reported():
    lexicon = Lexicon(["投诉", "诉求", "投诉求助"])
    assert [(m.word, m.start, m.end) for m in lexicon.scan("我要投-诉求助")] == [
        ("投诉", 2, 5),
        ("投诉求助", 2, 7),
        ("诉求", 4, 6),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "请问怎么开发票",
        "包装有点曝晒的痕迹",
        "我想投保运费险",
        "收到的杯子有裂纹，可以换一个吗",
        "快递员说明天再送",
        "我已经申请退款了，请尽快处理",
        "订单号2026123150的发票抬头写错了",
        "客服电话是400-123-1500吗",
        "我的手机号是 138 1231 5678",
        "师傅上门安装时说这是正品",
        "投递员把快递放在驿站了",
        "我想诉说一下使用感受",
        "起床后发现充电器坏了",
        "假期快递停运吗",
        "货到付款可以吗",
        "记住我的地址，谢谢",
    ],
)
def test_no_false_alarms_on_ordinary_sentences(text):
    assert LEXICON.scan(text) == []


def test_latin_and_digit_words_stand_apart_from_their_neighbours():
    lexicon = Lexicon(["12315", "CCTV"])
    assert found_in(lexicon, "拨打12315投诉") == ["12315"]
    assert found_in(lexicon, "单号2026123150") == []
    assert found_in(lexicon, "ｃｃｔｖ2 来了") == ["ｃｃｔｖ"]
    assert found_in(lexicon, "abcctvx") == []


def found_in(lexicon: Lexicon, text: str) -> list[str]:
    return [text[m.start : m.end] for m in lexicon.scan(text)]


def test_highlight_escapes_html_and_marks_matches():
    text = '<b>曝 光</b> & "律师"'
    assert highlight(text, LEXICON.scan(text)) == (
        "&lt;b&gt;<mark>曝 光</mark>&lt;/b&gt; &amp; &quot;<mark>律师</mark>&quot;"
    )


def test_highlight_merges_overlaps_and_takes_custom_markers():
    lexicon = Lexicon(["投诉", "诉求"])
    text = "投诉求<x>"
    assert highlight(text, lexicon.scan(text), before="[", after="]") == "[投诉求]&lt;x&gt;"
    assert highlight("没有命中 <i>", []) == "没有命中 &lt;i&gt;"


def test_words_are_normalised_like_texts():
    lexicon = Lexicon(["記 者", "ＡＢＣ"])
    assert [m.word for m in lexicon.scan("记者abc")] == ["記 者", "ＡＢＣ"]


def test_a_word_without_letters_or_digits_is_refused():
    with pytest.raises(ValueError, match="!!!"):
        Lexicon(["曝光", "!!!"])


def test_an_empty_lexicon_finds_nothing():
    assert Lexicon([]).scan("曝光") == []


def test_compiled_lexicons_are_cached():
    assert lexicon_for(DEFAULT_WORDS) is lexicon_for(tuple(DEFAULT_WORDS))


def test_folding_is_idempotent_over_the_bmp():
    every = "".join(chr(c) for c in range(0x10000) if not 0xD800 <= c <= 0xDFFF)
    once = normalise(every)
    assert normalise(once) == once


def _ignorable(char: str) -> bool:
    return not any(c.isalnum() for c in unicodedata.normalize("NFKC", char))


SEPARATORS = st.characters(categories=["Zs", "Cc", "Cf", "P", "S"]).filter(_ignorable)
FILLER = st.text(alphabet="我的收到了快递商品质量问题请尽快处理谢谢，。！？ ", max_size=30)


@given(
    word=st.sampled_from(DEFAULT_WORDS),
    prefix=FILLER,
    suffix=FILLER,
    inserts=st.lists(st.text(SEPARATORS, max_size=3), min_size=10, max_size=10),
)
def test_separators_inside_a_word_still_match_and_are_covered(word, prefix, suffix, inserts):
    evaded = word[0] + "".join(insert + char for insert, char in zip(inserts, word[1:], strict=False))
    text = prefix + evaded + suffix
    assert Match(word, len(prefix), len(prefix) + len(evaded)) in LEXICON.scan(text)
