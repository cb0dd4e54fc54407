"""Site boilerplate learning: repeated template lines go, with their evidence; shared body lines stay."""

from __future__ import annotations

import copy

import pytest

from educorpus.corpus import CorpusOptions, run_corpus_steps
from educorpus.corpus.site import SiteBoilerplate

# a footer line that no boilerplate rule knows: nothing in it says "footer"
FOOTER = "本站由乳山市教育信息中心维护 建议使用谷歌浏览器访问"
BODIES = [
    "乳山市第一实验小学开展读书节活动，全校师生共读经典，学校还评选了书香班级和阅读之星。",
    "银川市教育局召开全市中小学安全工作会议，部署暑期防溺水和交通安全教育工作，要求各校落实责任。",
    "淄博市举办职业教育活动周，二十余所职业院校展示专业建设成果，市民现场体验了智能制造课程。",
    "日照市启动基础教育质量提升三年行动计划，全市将新建改扩建中小学校和幼儿园三十所。",
    "威海市开展教师信息技术应用能力提升培训，参训教师完成了线上课程学习和课堂实践任务。",
    "烟台市举行中小学生科技创新大赛，参赛作品涵盖人工智能、机器人和生态环保等多个领域。",
    "潍坊市推进集团化办学，优质学校与薄弱学校结对帮扶，共享课程资源和骨干教师。",
    "临沂市组织开展家庭教育宣传周活动，邀请专家走进社区为家长讲授科学育儿知识。",
]


def page(i: int, body: str, *, site: str = "www.rushan.gov.cn", footer: str = FOOTER, extra: tuple[str, ...] = ()) -> dict:
    text = "\n".join([f"标题{i}", body, *extra, footer])
    return {"id": f"p{i}", "text": text, "site": site, "n_chars": len(text), "edits": {"normalize": {"whitespace": 1}}}


def run(records, **options):
    o = CorpusOptions(**options)
    return run_corpus_steps(records, [SiteBoilerplate(o)])


def test_footer_repeated_on_five_pages_is_removed_with_evidence():
    records = [page(i, BODIES[i]) for i in range(5)]
    kept, excluded, stats = run(records)
    assert excluded == []
    for r, before in zip(kept, records):
        assert FOOTER not in r["text"]
        assert before["text"].split("\n")[1] in r["text"]  # the body stays
        assert r["edits"]["site-boilerplate"] == {"site-repeated: 5/5 pages": 1}
        assert r["edits"]["normalize"] == {"whitespace": 1}  # earlier steps' counts kept
        assert r["n_chars"] == len(r["text"])
    assert stats["site-boilerplate"]["lines_learned"] == 1
    assert stats["site-boilerplate"]["learned_lines_per_site"] == {"www.rushan.gov.cn": {"pages": 5, "lines": 1}}


def test_four_pages_are_not_enough_evidence():
    kept, _, stats = run([page(i, BODIES[i]) for i in range(4)])
    assert all(FOOTER in r["text"] for r in kept)
    assert stats["site-boilerplate"]["lines_learned"] == 0


def test_body_line_two_articles_share_is_never_removed():
    shared = "教育部印发通知，要求各地切实减轻义务教育阶段学生作业负担和校外培训负担。"
    records = [page(i, BODIES[i], extra=(shared,) if i in (2, 5) else ()) for i in range(8)]
    kept, _, _ = run(records)
    assert sum(shared in r["text"] for r in kept) == 2
    assert all(FOOTER not in r["text"] for r in kept)


def test_a_line_on_a_few_pages_of_a_big_site_stays():
    # 5 of 20 pages: enough pages, but not the share of the site's pages a template line has
    quote = "坚持立德树人根本任务，办好人民满意的教育。"
    records = [page(i, BODIES[i % 8] + f"（第{i}期）", extra=(quote,) if i < 5 else ()) for i in range(20)]
    kept, _, _ = run(records)
    assert sum(quote in r["text"] for r in kept) == 5
    kept, _, _ = run(records, site_min_fraction=0.2)
    assert sum(quote in r["text"] for r in kept) == 0


def test_reposts_of_one_article_on_one_site_keep_their_text():
    # six copies of one article (a repost in several channels) repeat every line: they are
    # copies, not a template, and dedup is the step that deals with them
    records = [page(0, BODIES[0], extra=(BODIES[1],)) for i in range(6)]
    for i, r in enumerate(records):
        r["id"] = f"copy{i}"
        r["text"] = f"发布时间：2024-05-{i + 1:02d}\n" + r["text"]
    kept, _, stats = run(records)
    assert all(BODIES[0] in r["text"] and BODIES[1] in r["text"] for r in kept)
    assert stats["site-boilerplate"]["lines_learned"] == 0


def test_lines_compare_across_punctuation_and_script():
    import opencc

    records = [page(i, BODIES[i]) for i in range(3)]
    records.append(page(3, BODIES[3], footer=opencc.OpenCC("s2t").convert(FOOTER)))
    records.append(page(4, BODIES[4], footer=FOOTER.replace(" ", "，") + "。"))
    assert len({r["text"].split("\n")[-1] for r in records}) == 3
    kept, _, _ = run(records)
    assert all(r["text"].count("\n") == 1 for r in kept)  # title and body left
    assert all(r["edits"]["site-boilerplate"] == {"site-repeated: 5/5 pages": 1} for r in kept)


def test_sites_are_separate_and_unknown_sites_untouched():
    records = [page(i, BODIES[i], site=f"www.site{i % 2}.cn") for i in range(8)]  # 4 pages per site
    records.append({"id": "x", "text": "\n".join([BODIES[0], FOOTER])})  # no site, url or source
    kept, _, _ = run(records)
    assert all(FOOTER in r["text"] for r in kept)


def test_site_falls_back_to_url_host_then_source():
    records = [page(i, BODIES[i], site=None) for i in range(5)]
    for i, r in enumerate(records):
        r["url"] = f"https://www.rushan.gov.cn/art/{i}.html" if i < 3 else None
        r["source"] = "www.rushan.gov.cn" if i >= 3 else "乳山市教育局"
    kept, _, _ = run(records)
    assert all(FOOTER not in r["text"] for r in kept)


def test_inputs_are_not_mutated():
    records = [page(i, BODIES[i]) for i in range(5)]
    before = copy.deepcopy(records)
    run(records)
    assert records == before


@pytest.mark.parametrize("bad", [{"site_min_pages": 1}, {"site_min_fraction": 1.5}])
def test_bad_thresholds_are_refused(bad):
    with pytest.raises(ValueError, match=next(iter(bad))):
        CorpusOptions(**bad)


def test_a_long_disclaimer_does_not_hide_the_rest_of_the_template():
    # the disclaimer is the longest line of every page: pages still differ in their bodies
    disclaimer = "免责声明：" + "本网站所载内容仅供参考，凡注明来源为其他媒体的稿件均为转载，转载目的在于传递更多信息，并不代表本网赞同其观点和对其真实性负责。" * 2
    records = [page(i, BODIES[i], extra=(disclaimer,)) for i in range(6)]
    kept, _, stats = run(records)
    assert all(disclaimer not in r["text"] and FOOTER not in r["text"] and BODIES[i] in r["text"] for i, r in enumerate(kept))
    assert stats["site-boilerplate"]["lines_learned"] == 2


def test_spilled_line_counts_learn_what_counts_in_memory_learn(monkeypatch, tmp_path):
    # past SPILL_ENTRIES occurrences the counts go to disk and are counted in parts by line key;
    # the learned lines, the evidence and the statistics must not change
    import tempfile

    import educorpus.corpus.site as site_module
    from educorpus.corpus.synthetic import synthetic_corpus

    records = synthetic_corpus(300, seed=4).records
    in_memory = run_corpus_steps(records, [SiteBoilerplate()])
    assert in_memory[2]["site-boilerplate"]["lines_learned"] > 10
    monkeypatch.setattr(site_module, "SPILL_ENTRIES", 97)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    parts = []
    real_parts = SiteBoilerplate._parts
    monkeypatch.setattr(SiteBoilerplate, "_parts", lambda self: (parts.append(len(p)) or p for p in real_parts(self)))
    spilled = run_corpus_steps(records, [SiteBoilerplate()])
    assert len(parts) > 20 and max(parts) < 3 * 97 and list(tmp_path.iterdir()) == []  # nothing left behind
    assert spilled == in_memory
