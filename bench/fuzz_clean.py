"""Fuzz ``educorpus.clean_and_explain`` with hostile, page-shaped text (hypothesis), for every target.

Invariants checked on every generated page, for each ``--to`` target and for random
``only=``/``skip=`` subsets:

- no exception;
- the output is a str that UTF-8 can encode (no surrogates), with no U+FFFD the input did not
  have except in place of a lone surrogate; without the ``unicode`` step, a surrogate in the
  input gives a ValueError that says so;
- every step's edits replay: each edit's ``before`` is at ``position`` in the text its step
  received (``Document.replay`` checks this), and the replay gives the output;
- for the whole pipeline (any target): ``clean`` of the output gives the output again
  (docs/architecture.md promises idempotence through rounds; a subset of steps is not promised it,
  so subsets are checked for the first three only).

Run: ``PYTHONPATH=src python bench/fuzz_clean.py --examples 2000 [--seed N]``. Failures are
printed with the minimal input hypothesis shrank them to, and the run goes on with the next
property. Not in the default test run; ``tests/test_fuzz.py`` runs a bounded slice of it.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import traceback

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import educorpus
from educorpus.config import TARGETS

STEPS = educorpus.STEPS

# characters that break naive text code: line/paragraph separators, BOM, zero-width and joiners,
# combining marks, variation selectors, PUA (GBK user-defined bytes), astral CJK, controls
ODD_CHARS = [
    "\u2028", "\u2029", "\ufeff", "\u200b", "\u200c", "\u200d", "\u2060", "\u0301", "\u0308", "\u20dd",
    "\ufe0f", "\ufe0e", "\U000e0100", "\ue000", "\ue5e5", "\uf8ff", "\U00020000", "\U0002a6d6", "\U00030000",
    "\U0001f600", "\r", "\r\n", "\n", "\x85", "\x0b", "\x0c", "\x00", "\x1b", "\xa0", "\u3000", "\t",
    "\ufffd", "\ud800", "\udfff", "\udcff", "\u00ad", "\u202e", "\u061c",
]
# pieces of real pages (see tests/test_properties.py) plus HTML and pinyin shapes
PAGE_BITS = [
    "来源:", "來源：", "作者:", "责任编辑:", "发布时间:2024-05-21 15:56", "ICP备16007069号", "-新華網",
    "權(quán)威", "有關(guan) ", "字(zì)", "拼音(pīn yīn)", "高興?!弊筒┦凶痛▍^(qū)曜華", "鏁欒偛閮ㄥ叧", "锟斤拷",
    "&&", "&&&&&&&&", "舞&", "R&D", "#", "花园共育", "品质提高", "打导致", "制度", "(一)", "(", ")",
    "9月8日,", "1:1", "3.48亿元", "http://a.cn/?x=1", "<p>", "</p>", "<br/>", "&nbsp;", "&amp;", "&#20013;",
    "<a href=\"x\">", "<script>", "A+A-", "-分享-", "相关阅读", "二维码", "(资料图)", "【糾錯】",
    "標簽:", "版权所有", "公网安备", "图为", "教育", "學校", "“", "”", "？", "!", "?", ",", ":",
]
CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)


def _mojibake(s: str) -> str:
    """UTF-8 bytes read as GBK (the usual web mojibake), or GBK bytes shifted by one."""
    b = s.encode("utf-8")
    return b.decode("gbk", errors="replace")


def _shifted(s: str) -> str:
    b = s.encode("gbk", errors="ignore")
    return b[1:].decode("gbk", errors="replace")


cjk_run = st.text(CJK, min_size=1, max_size=20)
piece = st.one_of(
    st.sampled_from(PAGE_BITS),
    st.sampled_from(ODD_CHARS),
    cjk_run,
    cjk_run.map(_mojibake),
    cjk_run.map(_shifted),
    st.text(max_size=4),
    st.characters(codec=None, categories=["Cs", "Co", "Mn", "Cf", "Zl", "Zp"]).map(str),
    st.tuples(st.sampled_from(["&", "#", "?", "(", "字(zì)", "\u200d", "\u0301", "锟斤拷", "\r"]), st.integers(1, 60)).map(lambda t: t[0] * t[1]),
)
hostile = st.lists(piece, max_size=40).map("".join)


def _selected(only, skip) -> set:
    chosen = set(STEPS) if only is None else set(only)
    return chosen - set(skip or ())


def check(text: str, to, only=None, skip=None, idempotent=True) -> None:
    kw = {"to": to}
    if only is not None:
        kw["only"] = only
    if skip is not None:
        kw["skip"] = skip
    had_sur = any("\ud800" <= c <= "\udfff" for c in text)
    if had_sur and "unicode" not in _selected(only, skip):
        # the steps after `unicode` rely on it for well-formed text: a clear ValueError, by design
        try:
            educorpus.clean_and_explain(text, **kw)
        except ValueError as exc:
            assert "surrogate" in str(exc)
            return
        raise AssertionError("surrogates without the unicode step: no ValueError")
    doc = educorpus.clean_and_explain(text, **kw)
    out = doc.text
    assert isinstance(out, str)
    assert not any("\ud800" <= c <= "\udfff" for c in out), "surrogate in the output"
    # a lone surrogate becomes U+FFFD; otherwise no U+FFFD the input did not have
    assert had_sur or not ("\ufffd" in out and "\ufffd" not in text), "new U+FFFD"
    assert doc.replay(text) == out, "replay differs from output"
    for e in doc.edits:
        assert isinstance(e.before, str) and isinstance(e.after, str) and e.position >= 0
    out.encode("utf-8")  # writable
    if idempotent:
        again = educorpus.clean(out, **kw)
        assert again == out, f"not idempotent: {out!r} -> {again!r}"


PROPERTIES = []


def prop(fn):
    PROPERTIES.append(fn)
    return fn


def make(n: int, seed: int):
    cfg = settings(max_examples=n, deadline=None, database=None, derandomize=False,
                   suppress_health_check=list(HealthCheck), report_multiple_bugs=False)

    def whole_for(to):
        @cfg
        @given(hostile)
        def whole(text):
            check(text, to)
        whole.__name__ = f"whole to={to}"
        return whole

    for to in (*TARGETS, None):
        prop(whole_for(to))

    @prop
    @cfg
    @given(hostile, st.sets(st.sampled_from(STEPS), min_size=1), st.sampled_from([*TARGETS, None]))
    def only_subset(text, only, to):
        check(text, to, only=sorted(only), idempotent=False)

    @prop
    @cfg
    @given(hostile, st.sets(st.sampled_from(STEPS)), st.sampled_from([*TARGETS, None]))
    def skip_subset(text, skip, to):
        check(text, to, skip=sorted(skip), idempotent=False)

    @prop
    @cfg
    @given(st.text(max_size=300), st.sampled_from([*TARGETS, None]))
    def any_text_with_surrogates(text, to):
        # hypothesis' text() leaves out surrogates; a str from surrogateescape can hold them
        rng = random.Random(len(text))
        chars = list(text)
        for _ in range(rng.randint(0, 3)):
            chars.insert(rng.randint(0, len(chars)), chr(rng.randint(0xDC80, 0xDCFF)))
        check("".join(chars), to)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--examples", type=int, default=300, help="examples per property")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    random.seed(args.seed)
    make(args.examples, args.seed)
    failed = 0
    total = 0
    for fn in PROPERTIES:
        t0 = time.process_time()
        try:
            fn()
            status = "ok"
        except Exception as exc:  # one property's failure must not hide the others'
            failed += 1
            status = "FAIL"
            traceback.print_exception(exc, file=sys.stdout)
        total += args.examples
        print(f"{fn.__name__:30s} {status} {time.process_time() - t0:7.1f} CPU s", flush=True)
    print(f"{len(PROPERTIES)} properties, up to {total} generated cases, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
