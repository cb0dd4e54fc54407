"""The pipeline's rounds and its per-document bookkeeping (edit counts, summaries).

The rechecks decide whether another round runs; a shortcut in them that misses a repair a later
step made possible changes the output. The counting helpers are checked against the plain
edit-by-edit count they stand for.
"""

from __future__ import annotations

from collections import Counter

import pytest

import educorpus
from educorpus import pipeline
from educorpus.cleaners import mojibake
from educorpus.dataset.records import edit_summary
from educorpus.document import Document, Edit

# a line of a traditional page whose gbk-shift run (``?!痹諤鍇f``, 。”在田莊 misread one byte off)
# reads as such only once the script step has made its characters simplified (谔锴): the
# mojibake step's first run leaves it, its recheck after the round must find it
TRAD_LINE = (
    "“本地課堂和遠端課堂的互動,直接調(diào)動了學生學習興趣,而且名師知識講解更清晰,實驗操作更規(guī)範,"
    "給學生帶來了極好的學習體驗,學習信心明顯提升?!痹諤鍇f中學校長劉波的眼中,基於互聯(lián)網(wǎng)的“三個課堂”"
    "不僅僅是將優(yōu)質(zhì)資源送到了偏遠學校,推動鄉(xiāng)村學校提升教學質(zhì)量,更是將美好未來的種子深埋在了孩子心中。"
)


def test_a_repair_that_appears_only_after_script_conversion_runs_a_second_round():
    assert not any(s[0] <= TRAD_LINE.index("痹") < s[1] for s in mojibake.repair_spans(TRAD_LINE))
    doc = educorpus.clean_and_explain(TRAD_LINE)
    again = [e for e in doc.edits if e.step == "mojibake" and e.round == 2]
    assert [(e.rule, e.before) for e in again] == [("gbk-shift", "！痹谔锴f")]
    assert "痹" not in doc.text
    # the pipeline's output is a fixed point of the step: cleaning it again repairs nothing
    assert not mojibake.may_repair_again(doc.text)
    assert doc.replay(TRAD_LINE) == doc.text


def test_the_next_round_reuses_the_rechecks_search(monkeypatch):
    # the recheck's yes is the step's whole search on the round's output; the next round's run of
    # the step gets that same text and must not search it again (the search is most of the step)
    searched = []
    plain = mojibake.repair_spans

    def counted(text, check=True, **budget):
        if check:  # the step's own search, not _marks_stay's look at a line
            searched.append(text)
        return plain(text, check, **budget)

    monkeypatch.setattr(mojibake, "repair_spans", counted)
    mojibake._spans_of.cache_clear()
    doc = educorpus.clean_and_explain(TRAD_LINE)
    assert max(e.round for e in doc.edits) == 2
    # round 1's run, the recheck after round 1 (yes: its answer serves round 2's run), the
    # recheck after round 2 (no)
    assert len(searched) == 3 and len(set(searched)) == 3
    mojibake._spans_of.cache_clear()


def _plain_stats(docs: list[Document]) -> dict:
    steps: dict[str, dict] = {}
    for doc in docs:
        touched = set()
        for e in doc.edits:
            s = steps.setdefault(e.step, {"changed": 0, "edits": 0, "chars_removed": 0, "chars_added": 0, "rules": Counter()})
            s["edits"] += 1
            s["chars_removed"] += len(e.before)
            s["chars_added"] += len(e.after)
            s["rules"][e.rule] += 1
            touched.add(e.step)
        for name in touched:
            steps[name]["changed"] += 1
    return steps


def _plain_summary(doc: Document) -> dict:
    out: dict[str, Counter] = {}
    for e in doc.edits:
        out.setdefault(e.step, Counter())[e.rule] += 1
    return {step: dict(sorted(c.items())) for step, c in out.items()}


def _docs() -> list[Document]:
    pages = [
        TRAD_LINE,  # two rounds: the mojibake step's edits come in two runs of the log
        "教育局\ufffd\ufffd通知,锟斤拷(zhì)量\n\n发布时间:2024-05-21 来源:山东教育新闻网\n全市中小学开学。",  # flags
        "",
        "9月8日,淄博市",
    ]
    return [educorpus.clean_and_explain(p) for p in pages] + [
        # a hand-made log whose steps recur out of order and whose rules repeat
        Document(
            text="",
            edits=[
                Edit("normalize", "b", "x", "yy", 0),
                Edit("script", "a", "", "z", 3),
                Edit("normalize", "a", "xyz", "", 5, 2),
                Edit("normalize", "b", "q", "q", 9, 2),
            ],
        )
    ]


def test_stats_count_what_an_edit_by_edit_count_gives():
    docs = _docs()
    assert any(e.round == 2 for d in docs for e in d.edits)
    stats = pipeline.Stats()
    for doc in docs:
        stats.add(doc)
    plain = _plain_stats(docs)
    assert stats.steps == plain
    assert list(stats.steps) == list(plain)  # steps in order of first appearance
    assert stats.documents == len(docs)


def test_edit_summary_counts_what_an_edit_by_edit_count_gives():
    for doc in _docs():
        got, want = edit_summary(doc), _plain_summary(doc)
        assert got == want
        assert list(got) == list(want) and all(list(got[k]) == list(want[k]) for k in got)


@pytest.mark.parametrize("to", ["hans", "tw", None])
def test_a_page_without_damage_runs_one_round(to):
    doc = educorpus.clean_and_explain("9月8日,淄博市教育局召开会议。", to=to)
    assert {e.round for e in doc.edits} <= {1}


def test_a_second_round_does_not_count_or_flag_the_same_damage_twice():
    # the same page with a run no decoder can read back (U+FFFD): every round's mojibake run
    # flags it; the document reports it once, as it stands in the final text
    page = TRAD_LINE + "\n\n報名時間：\ufffd\ufffd月10日。"
    doc = educorpus.clean_and_explain(page)
    assert max(e.round for e in doc.edits) == 2
    flags = [e for e in doc.edits if e.rule == "unrecoverable"]
    assert len(flags) == 1 and flags[0].before == "\ufffd\ufffd"
    assert "\ufffd\ufffd" in doc.text  # flagged, not removed
    assert doc.scores["mojibake_unrecoverable"] == 1
    assert doc.replay(page) == doc.text
    # removed instead of flagged: the removal is counted once, in the round that made it
    gone = educorpus.clean_and_explain(page, config=educorpus.CleanConfig(mojibake_remove_unrecoverable=True))
    assert "\ufffd" not in gone.text and gone.scores["mojibake_unrecoverable"] == 1
