"""The normalize step's span finders agree with the patterns that state its rules.

The finders scan for runs in C and decide in Python once per run (see normalize.py); these
properties keep them equal to the plain statements of the rules they replace.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from educorpus.cleaners import normalize as nz

# the characters the rules look at: Chinese, Latin, digits, ASCII and full-width punctuation and
# brackets, the spaces of _WS, and newlines
_ALPHABET = "教育ab1%,:;!?()（），。 \t\u00a0\u3000\n"
texts = st.text(alphabet=_ALPHABET, max_size=60)


@settings(max_examples=400)
@given(texts)
def test_blank_lines_found_as_the_pattern_states(text):
    expected = [
        (m.start(), m.end(), "" if m.start() == 0 or m.end() == len(text) else "\n", "blank-lines")
        for m in nz._BLANK_LINES.finditer(text)
    ]
    assert nz.blank_line_spans(text) == expected


@settings(max_examples=400)
@given(texts)
def test_whitespace_found_as_the_pattern_states(text):
    expected = [
        (m.start(), m.end(), "" if m.group("edge") else " ", "whitespace")
        for m in nz._WHITESPACE.finditer(text)
        if m.group("edge") or m.group() != " "
    ]
    assert nz.whitespace_spans(text) == expected


@settings(max_examples=400)
@given(texts)
def test_punctuation_found_as_the_pattern_states(text):
    expected = [
        (m.start(), m.end(), m.group().translate(nz._FULLWIDTH), "fullwidth-punct")
        for m in nz._PUNCT_AFTER_CJK.finditer(text)
    ]
    assert nz.punctuation_spans(text) == expected


def _paren_spans_line_by_line(text):
    # the statement of the bracket rule, line by line
    spans = []
    line_start = 0
    for line in text.split("\n"):
        stack = []
        for i, ch in enumerate(line):
            if ch in "(（":
                stack.append(i)
            elif ch in ")）" and stack:
                j = stack.pop()
                if (line[j] == "(" or ch == ")") and nz._HAS_CJK.search(line[j + 1 : i]):
                    if line[j] == "(":
                        spans.append((line_start + j, line_start + j + 1, "（", "fullwidth-paren"))
                    if ch == ")":
                        spans.append((line_start + i, line_start + i + 1, "）", "fullwidth-paren"))
        line_start += len(line) + 1
    return sorted(spans)


@settings(max_examples=400)
@given(texts)
def test_brackets_found_as_the_rule_states(text):
    assert nz.paren_spans(text) == _paren_spans_line_by_line(text)


@settings(max_examples=3000)
@given(texts)
def test_normalize_is_idempotent(text):
    # a space the step drops can bring an ASCII mark next to Chinese context, and converting a
    # mark can bring a space next to it: the step goes on until neither has work left, so that
    # cleaning its own output changes nothing
    once = nz.normalize(text)
    assert nz.normalize(once) == once


def test_a_mark_a_dropped_space_exposes_is_converted_in_the_same_run():
    assert nz.normalize("束?? ?熁") == "束？？？熁"
    assert nz.normalize("中文， ? ， ?x") == "中文，？，？x"
    # ... and only there: after Latin text or a kept space the ASCII mark stays
    assert nz.normalize("Hello, world ?") == "Hello, world ?"
    assert nz.normalize("教育 ?") == "教育 ?"


# --- program text keeps its ASCII (code_ranges) --------------------------------------------------
# Written here rather than in tests/cases/normalize: the mojibake and substitution evaluations draw
# their clean text from tests/cases, and new cases there would change their samples.

import pytest  # noqa: E402

import educorpus  # noqa: E402

_CODE_KEPT = [
    'print("你好,世界")',
    "print('你好,世界!')",
    'console.log(f"得分:{score},等级:{grade}")',
    'os.path.join("数据", "学生(2024).csv")',
    's = "你好,世界";',
    'name = "张三,李四"',
    'students = ["张三,一班", "李四,二班"]',
    '{"城市": "北京,上海", "学校": "第一中学(本部)"}',
    'if (x > 0) { return "正数,负数"; }',
    "total = 语文 + 数学;",
    "用`print(你好,世界)`输出",
    "https://baike.baidu.com/item/教育?fr=aladdin",
    "网址:www.example.com/首页?id=12&page=3",
]


@pytest.mark.parametrize("code", _CODE_KEPT)
def test_program_text_keeps_its_ascii(code):
    # the code itself never changes (each of these was damaged before code_ranges); prose around
    # it still does
    assert nz.normalize(code) == code.replace("网址:", "网址：")
    assert nz.code_ranges(code), code
    line = f"例如,{code} 这样写,就可以了!"
    out = educorpus.clean(line, only=["normalize"])
    assert out.startswith("例如，") and out.endswith("这样写，就可以了！")
    for a, b in nz.code_ranges(line):
        assert line[a:b] in out


def test_code_examples_from_the_audit():
    assert nz.normalize('代码示例:print("你好,世界")') == '代码示例：print("你好,世界")'
    assert nz.normalize("详见https://baike.baidu.com/item/教育?fr=aladdin。") == "详见https://baike.baidu.com/item/教育?fr=aladdin。"
    # a call with a literal, then prose on the same line: the call ends at its own bracket
    assert nz.normalize('print("甲,乙") 输出甲,乙(两个字)!') == 'print("甲,乙") 输出甲，乙（两个字）！'
    # a line of code before prose lines: the later lines are still normalized in full
    assert nz.normalize('x = "甲,乙";\n今天,我们去学校(小学)!\ny = "丙,丁";\n明天,下雨?') == (
        'x = "甲,乙";\n今天，我们去学校（小学）！\ny = "丙,丁";\n明天，下雨？'
    )


@pytest.mark.parametrize(
    "prose,expected",
    [
        ("今天,我们去学校.", "今天，我们去学校."),
        ("9月8日,淄博市(资料图)召开会议:", "9月8日，淄博市（资料图）召开会议："),
        ('他说:"很好!"', '他说："很好！"'),  # ASCII quotes in prose are not code
        ('他叫"小明",今年十岁,读三年级。', '他叫"小明",今年十岁，读三年级。'),  # after `"`: ASCII as before
        ("使用AI(人工智能)技术,效果好!", "使用AI（人工智能）技术，效果好！"),  # a Latin word before a bracket
        ("1. 加强师资队伍建设;", "1. 加强师资队伍建设；"),
        ("(一)总体要求:坚持立德树人;", "（一）总体要求：坚持立德树人；"),
        ("其中A=1,B=2。", "其中A=1,B=2。"),  # after digits: ASCII as before
        ("第1:1的比例,3.48亿元,时间10:30,版本v1.2.3,完毕!", "第1:1的比例，3.48亿元，时间10:30,版本v1.2.3,完毕！"),
        ("请发送邮件至admin@school.edu.cn咨询,谢谢!", "请发送邮件至admin@school.edu.cn咨询，谢谢！"),
        ("文件在D:\\资料\\报告.docx里,请查收!", "文件在D:\\资料\\报告.docx里，请查收！"),
        # backticks typed as pauses in reviews are no inline code
        ("这次怎么这样啊`三本书那质量都?不过内容不错哈``", "这次怎么这样啊`三本书那质量都？不过内容不错哈``"),
        ("有一点慢``不知道能不能改`,好吧!", "有一点慢``不知道能不能改`,好吧！"),  # after `: ASCII as before
    ],
)
def test_prose_is_still_normalized(prose, expected):
    assert nz.code_ranges(prose) == [] or prose.startswith("其中")
    assert nz.normalize(prose) == expected


_CODE_ALPHABET = "教育ab(),:;!?=\"'`{}[]/（），。 \n"


@settings(max_examples=2000)
@given(st.text(alphabet=_CODE_ALPHABET, max_size=50))
def test_normalize_is_idempotent_with_program_text(text):
    once = nz.normalize(text)
    assert nz.normalize(once) == once
    # and the edit log replays it
    doc = educorpus.clean_and_explain(text, only=["normalize"])
    assert doc.replay(text) == doc.text
