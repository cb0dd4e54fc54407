"""Property tests over arbitrary and Chinese-heavy text (hypothesis).

``clean`` never raises, is idempotent, adds no control characters, lone surrogates or U+FFFD
that the input did not have, and its edit log replays from input to output exactly.

The default run tries a few hundred examples per property; a dedicated run tries many more:
``EDUCORPUS_HYPOTHESIS=thorough python -m pytest tests/test_properties.py`` (10,000 each).
"""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

import educorpus


# pieces of real pages, so that generated text reaches the interesting branches of every step
FRAGMENTS = [
    "来源:", "來源：", "作者:", "责任编辑:", "发布时间:2024-05-21 15:56", "ICP备16007069号", "-新華網",
    "權(quán)威", "有關(guan) ", "高興?!弊筒┦凶痛▍^(qū)曜華", "鏁欒偛閮ㄥ叧", "锟斤拷", "\ufffd",
    "&&", "舞&", "R&D", "#", "花园共育", "品质提高", "打导致", "制度", "发展", "了解", "(一)", "(", ")",
    "9月8日,", "1:1", "3.48亿元", "http://a.cn/?x=1", "  ", "\u3000", "\n", "\n\n", "\r\n", "\u200b",
    "“", "”", "？", "!", "?", ",", ":", "A+A-", "-分享-", "相关阅读", "二维码", "(资料图)",
]
CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
chinese_heavy = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(CJK, min_size=1, max_size=12), st.text(max_size=4)),
    max_size=40,
).map("".join)
any_text = st.text(max_size=300)

BAD = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffd]")


def _check(text: str) -> None:
    doc = educorpus.clean_and_explain(text)
    out = doc.text
    assert doc.replay(text) == out
    assert educorpus.clean(out) == out
    new_bad = set(BAD.findall(out)) - set(BAD.findall(text))
    assert not new_bad, new_bad


@given(any_text)
def test_arbitrary_unicode(text):
    _check(text)


@given(chinese_heavy)
def test_chinese_heavy_page_text(text):
    _check(text)
