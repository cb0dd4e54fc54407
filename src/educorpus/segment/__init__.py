"""Chinese sentence boundaries and word segmentation with an education-domain dictionary.

- :func:`sentences` / :func:`sentence_spans`: split after ``。！？!?…`` (and at line breaks), keeping
  closing quotes and brackets with their sentence and never splitting inside “…”, 「…」, 『…』,
  （…）, (…), 《…》 or 【…】.
- :func:`words`: jieba word segmentation with a private :class:`jieba.Tokenizer` and the user
  dictionary ``educorpus/data/segment/education.dict`` (五育并举, 立德树人, 双减, 县管校聘, 大班额,
  家园共育, 强镇筑基, …). The tokenizer is built once per process, lazily and under a lock; the
  global ``jieba`` tokenizer is never touched, so callers' own jieba setup is unaffected.

Not handled: ASCII full stops (``.`` is as often a decimal point or an abbreviation as a sentence
end), semicolons (they separate clauses, not sentences), quotes that are never closed (the
nesting is reset at each line break), and part-of-speech tagging.
"""

from __future__ import annotations

import logging
import threading
from functools import lru_cache
from importlib import resources
from typing import Iterator

__all__ = ["sentences", "sentence_spans", "words", "tokenizer", "user_words"]

_TERMINATORS = frozenset("。！？!?…")
_CLOSERS = frozenset("”’」』）)》】〕〉")
_PAIRS = {"“": "”", "「": "」", "『": "』", "（": "）", "(": ")", "《": "》", "【": "】", "〔": "〕", "〈": "〉", "‘": "’"}
_CLOSING = frozenset(_PAIRS.values())
_SPACE = frozenset(" \t\u3000\u00a0\r")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence of ``text``, without surrounding whitespace.

    >>> text = "他说：“今天开学。你们好！”大家鼓掌。\\n第二段"
    >>> [text[s:e] for s, e in sentence_spans(text)]
    ['他说：“今天开学。你们好！”大家鼓掌。', '第二段']
    """
    spans: list[tuple[int, int]] = []
    stack: list[str] = []
    start = 0
    i = 0
    n = len(text)

    def close(end: int) -> None:
        s, e = start, end
        while s < e and (text[s] in _SPACE or text[s] == "\n"):
            s += 1
        while e > s and (text[e - 1] in _SPACE or text[e - 1] == "\n"):
            e -= 1
        if e > s:
            spans.append((s, e))

    while i < n:
        ch = text[i]
        if ch == "\n":
            close(i)
            stack.clear()  # an unclosed quote must not swallow the rest of the page
            start = i + 1
            i += 1
            continue
        if ch in _PAIRS:
            stack.append(_PAIRS[ch])
        elif ch in _CLOSING:
            if ch in stack:
                while stack and stack.pop() != ch:
                    pass
        elif ch in _TERMINATORS and not stack:
            j = i + 1
            while j < n and (text[j] in _TERMINATORS or text[j] in _CLOSERS):
                j += 1
            close(j)
            start = j
            i = j
            continue
        i += 1
    close(n)
    return spans


def sentences(text: str) -> list[str]:
    """The sentences of ``text``: split after ``。！？!?…``; quotes and brackets kept whole.

    >>> sentences("近年来，全市实施“强校扩优”行动（详见附件。）。成效明显！下一步怎么办？")
    ['近年来，全市实施“强校扩优”行动（详见附件。）。', '成效明显！', '下一步怎么办？']
    >>> sentences("  ")
    []
    """
    return [text[s:e] for s, e in sentence_spans(text)]


_LOCK = threading.Lock()
_TOKENIZER = None


@lru_cache(maxsize=1)
def user_words() -> tuple[str, ...]:
    """The words of the shipped education dictionary, in file order.

    >>> "五育并举" in user_words() and "县管校聘" in user_words()
    True
    """
    out = []
    for line in _dict_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            out.append(line.split(" ")[0])
    return tuple(out)


def _dict_text() -> str:
    return resources.files("educorpus").joinpath("data/segment/education.dict").read_text(encoding="utf-8")


def tokenizer():
    """The process-wide private jieba tokenizer with the education dictionary (built on first use)."""
    global _TOKENIZER
    if _TOKENIZER is not None:
        return _TOKENIZER
    with _LOCK:
        if _TOKENIZER is None:
            import jieba

            tok = jieba.Tokenizer()
            # jieba announces loading on stderr at DEBUG level; quiet it while we load, then put
            # its logger back as it was (other users of jieba keep their setting)
            logger = logging.getLogger("jieba")
            level = logger.level
            logger.setLevel(logging.WARNING)
            try:
                tok.initialize()
                for line in _dict_text().splitlines():
                    line = line.strip()
                    if not line or line.startswith("#"):
                        continue
                    parts = line.split(" ")
                    tok.add_word(parts[0], None, parts[-1] if len(parts) > 1 else None)
            finally:
                logger.setLevel(level)
            _TOKENIZER = tok
    return _TOKENIZER


def _cut(text: str, hmm: bool) -> Iterator[str]:
    return tokenizer().cut(text, HMM=hmm)


def words(text: str, *, hmm: bool = True) -> list[str]:
    """Segment ``text`` into words (whitespace dropped; punctuation kept as tokens).

    Deterministic: the same text always gives the same list. ``hmm=False`` turns off jieba's
    guessing of words that are in no dictionary.

    >>> words("坚持五育并举，落实立德树人根本任务，推进县管校聘改革")
    ['坚持', '五育并举', '，', '落实', '立德树人', '根本任务', '，', '推进', '县管校聘', '改革']
    >>> words("着力解决大班额问题，深化家园共育")
    ['着力', '解决', '大班额', '问题', '，', '深化', '家园共育']
    """
    return [w for w in _cut(text, hmm) if w.strip()]
