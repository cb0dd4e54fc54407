"""The direct gbk-shift path (``cleaners/_shift_fast.py``) gives the full search's answer when it
answers, and leaves every unclear run (and clean text) to the search."""

from __future__ import annotations

import pytest

from educorpus.cleaners import _shift_fast as F
from educorpus.cleaners import mojibake as M

# seed 000's runs in their lines (GBK text misread one byte off until an ASCII byte realigns it)
SHIFTED = [
    "本学期以来，学生们的学习兴趣明显提高，家长也非常高兴?!弊筒┦凶痛▍^(qū)曜华小学校长说。\n",
    "我们在实验中看到了神奇的现象?!逼聊簧系膶嶒灲Y(jié)果，引起了同学们的兴趣。\n",
    "在这方面的投入明显加大，学生的信心明顯提升?!痹谔锴f中學校長劉波的眼里。\n",
]

CLEAN = [
    "真的吗?!我不信。你去过北京吗?去过!\n",
    "東京の大学で日本語を勉強しています。漢字は難しいです?\n",
    "嵇康、阮籍与山涛、向秀、刘伶、王戎及阮咸七人，常聚于山阳县竹林之下，肆意酣畅。\n",
    "他问：“这是谁写的?”我说：“不知道!”\n",
    "饕餮、魑魅魍魉、耄耋之年?这些词你会写吗!\n",
]


def _full(text: str):
    """The full search's answer on the first cluster of ``text``."""
    c0, c1 = M.find_clusters(text)[0]
    line_end = text.index("\n", c1)
    old = M.FAST
    M.FAST = False
    try:
        return M._best_repair(text, c0, c1, 0, line_end, frozenset(M._NUMBER.findall(text)), {})
    finally:
        M.FAST = old


def _fast(text: str):
    c0, c1 = M.find_clusters(text)[0]
    line_end = text.index("\n", c1)
    return F.fast_repair(text, c0, c1, 0, line_end, frozenset(M._NUMBER.findall(text)), {})


@pytest.mark.parametrize("text", SHIFTED)
def test_fast_path_answers_as_the_full_search(text):
    fast = _fast(text)
    assert fast is not None, "the direct path should be sure of seed 000's runs"
    full = _full(text)
    assert (fast.start, fast.end, fast.text, fast.rule) == (full.start, full.end, full.text, full.rule)
    assert fast.gain == pytest.approx(full.gain)
    assert M._accept(fast)


def test_fast_path_and_full_search_clean_the_same():
    for text in SHIFTED:
        with_fast = M.fix_mojibake(text)
        M.FAST = False
        try:
            without = M.fix_mojibake(text)
        finally:
            M.FAST = True
        assert with_fast == without
        assert "。”" in with_fast  # the run was repaired


@pytest.mark.parametrize("text", CLEAN)
def test_clean_text_is_left_alone(text):
    assert M.fix_mojibake(text) == text
    for c0, c1 in M.find_clusters(text):
        line_end = text.index("\n", c1)
        got = F.fast_repair(text, c0, c1, 0, line_end, frozenset(), {})
        assert got is None or not M._accept(got)


def test_utf8_read_as_gbk_is_left_to_the_full_search():
    # a run whose GBK bytes hold UTF-8 sequences may be utf8-as-gbk, which the search tries first
    text = "通知：鏁欒偛閮ㄥ叧浜庤繘涓€姝ュ姞寮哄鏍″畨鍏ㄥ伐浣滅殑閫氱煡\n"
    c0, c1 = M.find_clusters(text)[0]
    assert F.fast_repair(text, c0, c1, 0, len(text) - 1, frozenset(), {}) is None
    assert M.fix_mojibake(text).startswith("通知：教育部关于进一步")


def test_too_many_byte_alternatives_defer(monkeypatch):
    # "?" may be a destroyed byte or a literal "?", and "!" after a pending lead byte a folded
    # "！": past MAX_PATHS combinations the direct path gives up and the search decides
    text = SHIFTED[0]
    c0, c1 = M.find_clusters(text)[0]
    toks = M._tokens(text, c0, len(text) - 1, "gb18030", shift=True)
    got = F.readings(toks, text[c0 - 1], "", text[c0:], len(text) - 1, True, F._context({}))
    assert got and len({x.text for x, _script in got}) > 1
    monkeypatch.setattr(F, "MAX_PATHS", 1)
    assert F.readings(toks, text[c0 - 1], "", text[c0:], len(text) - 1, True, F._context({})) is None
    assert _fast(text) is None


def test_word_index_parts_equal_the_one_pass_index():
    # _big5's word index is built per first character from a sorted list: each part must be
    # the one a single pass over the dictionary builds, in the same order (ties follow it)
    import math

    from educorpus.charstats import wordstats
    from educorpus.cleaners import _big5

    words = wordstats()
    ref: dict = {}
    for w, f in words.freq.items():
        if 2 <= len(w) <= _big5.MAX_WORD:
            ref.setdefault(w[0], {}).setdefault(w[1], []).append((w, math.log(f) - words.log_total))
    index = _big5._word_index()
    for first, part in ref.items():
        got = index.get(first)
        assert list(got) == list(part) and got == part
    assert index.get("x") is None and index.get("\u3000") is None
