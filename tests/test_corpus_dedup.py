"""Exact and near duplicates: what is found, which copy stays, what the exclusions and statistics say."""

from __future__ import annotations

import random

import numpy as np
import opencc
import pytest

from educorpus.corpus import CorpusOptions, default_steps, run_corpus_steps
from educorpus.corpus.dedup import Dedup, Signer, band_candidates
from educorpus.corpus.synthetic import article_body, blind_spin, score_dedup, synthetic_corpus

S2T = opencc.OpenCC("s2t")


def article(seed: int) -> str:
    return "\n".join(article_body(random.Random(seed)))


def rec(rid: str, text: str, **fields) -> dict:
    return {"id": rid, "text": text, "published": "2024-05-01 09:00", "spun_score": 0.0, "edits": {}, **fields}


def dedup(records, **options):
    return run_corpus_steps(records, [Dedup(CorpusOptions(**options))])


def dropped(excluded):
    return {e["id"]: (e["reason"], e["detail"]["kept"]) for e in excluded}


def test_traditional_copy_is_an_exact_duplicate():
    text = article(1)
    kept, excluded, stats = dedup([rec("a", text), rec("b", S2T.convert(text))])
    assert dropped(excluded) == {"b": ("exact-duplicate", "a")}
    assert stats["dedup"]["exact_duplicates"] == 1


def test_retyped_punctuation_and_spacing_is_an_exact_duplicate():
    text = article(2)
    retyped = "\n".join("\u3000\u3000" + ln.replace("，", ", ").replace("。", ". ") for ln in text.split("\n"))
    _, excluded, _ = dedup([rec("a", text), rec("b", retyped)])
    assert dropped(excluded) == {"b": ("exact-duplicate", "a")}


def test_near_copies_found_with_exact_dedup_off():
    text = article(3)
    _, excluded, _ = dedup([rec("a", text), rec("b", S2T.convert(text))], dedup_exact=False)
    assert dropped(excluded) == {"b": ("near-duplicate", "a")}
    assert excluded[0]["detail"]["similarity"] > 0.9


def test_exact_only_misses_near_copies():
    text = article(4)
    _, excluded, _ = dedup([rec("a", text), rec("b", text + "\n责任编辑：张三")], dedup_near=False)
    assert excluded == []


def test_distinct_real_pages_are_all_kept(seeds):
    kept, excluded, _ = dedup([rec(name, text) for name, text in seeds.items()])
    assert excluded == [] and len(kept) == len(seeds)


def test_distinct_articles_sharing_a_paragraph_are_kept():
    a, b = article_body(random.Random(5)), article_body(random.Random(6))
    b = b[:2] + [a[1]] + b[2:]  # b quotes a's first paragraph
    _, excluded, _ = dedup([rec("a", "\n".join(a)), rec("b", "\n".join(b))])
    assert excluded == []


# -- which copy is kept --------------------------------------------------------------------


def test_not_spun_wins_over_spun_even_when_published_later():
    text = article(7)
    spun = blind_spin(text, random.Random(7))
    records = [rec("a-spun", spun, spun_score=0.9, published="2020-01-01"), rec("z-clean", text, published="2024-01-01")]
    _, excluded, stats = dedup(records)
    assert dropped(excluded) == {"a-spun": ("near-duplicate", "z-clean")}
    assert excluded[0]["detail"]["spun_pair"] is True
    assert stats["dedup"]["spun_pairs"] == 1
    assert stats["dedup"]["listed_spun_pairs"][0]["spun"] == "a-spun"
    assert stats["dedup"]["listed_spun_pairs"][0]["clean"] == "z-clean"


def test_complete_wins_over_truncated():
    text = article(8)
    truncated = text[: len(text) // 2]
    _, excluded, _ = dedup([rec("a", truncated, published="2020-01-01"), rec("b", text)])
    assert dropped(excluded) == {"a": ("near-duplicate", "b")}


def test_fewer_repairs_win():
    text = article(9)
    records = [
        rec("a", text, edits={"mojibake": {"gbk-misaligned": 4}, "boilerplate": {"icp": 1}}),
        rec("b", text, edits={"normalize": {"fullwidth-punct": 2}, "boilerplate": {"icp": 9, "share": 9}}),
    ]
    _, excluded, _ = dedup(records)
    assert dropped(excluded) == {"a": ("exact-duplicate", "b")}  # removed boilerplate is no repair


def test_earliest_published_then_smallest_id():
    text = article(10)
    _, excluded, _ = dedup([rec("a", text, published="2024-06-02"), rec("b", text, published="2024年6月1日"), rec("c", text, published=None)])
    assert dropped(excluded) == {"a": ("exact-duplicate", "b"), "c": ("exact-duplicate", "b")}
    _, excluded, _ = dedup([rec("b", text), rec("a", text)])
    assert dropped(excluded) == {"b": ("exact-duplicate", "a")}


def test_every_dropped_copy_names_a_kept_record_and_clusters_are_listed():
    text = article(11)
    records = [rec(f"r{i}", variant) for i, variant in enumerate([text, S2T.convert(text), text + "\n来源：新华网", text[: len(text) * 2 // 3]])]
    records.append(rec("other", article(12)))
    kept, excluded, stats = dedup(records)
    kept_ids = {r["id"] for r in kept}
    assert kept_ids == {"r0", "other"}
    assert all(e["detail"]["kept"] in kept_ids for e in excluded)
    s = stats["dedup"]
    assert s["clusters"] == 1 and s["cluster_sizes"] == {"4": 1}
    assert s["listed_clusters"] == [{"kept": "r0", "dropped": ["r1", "r2", "r3"]}]
    assert s["kept"] == 2 and s["excluded"] == {"exact-duplicate": 1, "near-duplicate": 2}


def test_kept_set_does_not_depend_on_input_order():
    corpus = synthetic_corpus(300, seed=5)
    first, _, _ = dedup(corpus.records)
    shuffled = list(corpus.records)
    random.Random(1).shuffle(shuffled)
    second, _, _ = dedup(shuffled)
    assert {r["id"] for r in first} == {r["id"] for r in second}


def test_apply_must_see_the_observed_records_in_order():
    step = Dedup()
    for r in (rec("a", article(13)), rec("b", article(14))):
        step.observe(r)
    step.finalize()
    with pytest.raises(ValueError, match="'b' at position 0"):
        step.apply(rec("b", article(14)))


# -- MinHash and LSH against datasketch itself ------------------------------------------------


def test_signatures_are_datasketch_minhash_signatures():
    signer = Signer(64)
    rng = np.random.default_rng(0)
    for n in (1, 7, 300, 9000):  # 9000 spans several blocks
        shingles = rng.integers(0, 2**32, n, dtype=np.uint64).astype(np.uint32)
        assert np.array_equal(signer(shingles), signer.reference(shingles))


def test_banding_finds_what_datasketch_lsh_finds():
    from datasketch import LeanMinHash, MinHashLSH

    corpus = synthetic_corpus(200, seed=2)
    from educorpus.corpus._norm import normal_form, shingle_hashes

    signer = Signer(32)
    sigs = np.stack([signer(shingle_hashes(normal_form(r["text"]), 3)) for r in corpus.records])
    lsh = MinHashLSH(num_perm=32, params=(8, 4))
    for i, s in enumerate(sigs):
        lsh.insert(i, LeanMinHash(seed=1, hashvalues=s, scheme="affine32"))
    expected = set()
    for i, s in enumerate(sigs):
        for j in lsh.query(LeanMinHash(seed=1, hashvalues=s, scheme="affine32")):
            if i < j:
                expected.add((i, j))
    found = {tuple(p) for p in band_candidates(sigs, bands=8, rows=4).tolist()}
    assert expected and found == expected


# -- the acceptance floor on planted duplicates ------------------------------------------------


def test_precision_and_recall_on_planted_duplicates():
    corpus = synthetic_corpus(600, seed=11)
    kept, excluded, stats = run_corpus_steps(corpus.records, default_steps())
    result = score_dedup(corpus, kept, excluded, stats)
    assert result["should_drop"] >= 150
    assert result["precision"] >= 0.95 and result["recall"] >= 0.95, result
    assert min(result["recall_by_kind"].values()) >= 0.9, result["recall_by_kind"]
    assert result["original_kept"] >= 0.95


def test_a_cluster_of_thousands_of_copies_costs_pairs_not_bands_times_pairs():
    # every band puts all copies in one bucket: each copy is paired with its next max_bucket
    # copies once (the bands' repeats are not stored again; the 200 MB benchmark corpus,
    # thousands of copies of four pages, took 6 GB and minutes before)
    n, cap = 3000, 200
    sigs = np.tile(np.arange(192, dtype=np.uint32), (n, 1))
    pairs = band_candidates(sigs, bands=64, rows=3, max_bucket=cap)
    assert len(pairs) == sum(n - off for off in range(1, cap + 1))
    assert (pairs[:, 1] - pairs[:, 0]).max() == cap and (pairs[:, 0] < pairs[:, 1]).all()
    assert len({tuple(p) for p in pairs.tolist()}) == len(pairs)


def test_thousands_of_copies_of_four_pages_keep_few_records():
    texts = ["\n".join(article_body(random.Random(k))) for k in range(4)]
    recs = [{"id": f"d{i:05d}", "text": f"第{i}号。\n" + texts[i % 4], "spun_score": 0.0, "edits": []} for i in range(2000)]
    kept, exclusions, stats = run_corpus_steps(recs, [Dedup()])
    assert len(kept) + len(exclusions) == 2000
    assert len(kept) <= 40
    assert {e["reason"] for e in exclusions} == {"near-duplicate"}


def _reference_decisions(records, o, max_bucket):
    """The decisions the module docstring describes, computed the direct way: every candidate
    pair of ``band_candidates`` verified and stored, components by union-find over them, then
    the ranking walk. ``Dedup`` must agree with it without storing the pairs. Also returns the
    number of candidate pairs."""
    from educorpus.corpus._norm import normal_form, shingle_hashes, text_hash
    from educorpus.corpus.dedup import content_length, published_key, repairs_of

    signer = Signer(o.num_perm)
    group_of_text, groups, sigs, n_sh, group = {}, [], [], [], []
    for r in records:
        norm = normal_form(r["text"])
        g = group_of_text.setdefault(text_hash(norm), len(groups))
        if g == len(groups):
            sh = shingle_hashes(norm, o.shingle_size)
            groups.append(content_length(r["text"]))
            sigs.append(signer(sh))
            n_sh.append(len(sh))
        group.append(g)
    sigs, n_sh = np.stack(sigs), np.array(n_sh, dtype=np.float64)
    pairs = band_candidates(sigs, o.lsh_bands, o.lsh_rows, max_bucket=max_bucket)
    a, b = pairs[:, 0], pairs[:, 1]
    jac = (sigs[a] == sigs[b]).mean(axis=1)
    cont = np.minimum(1.0, jac / (1.0 + jac) * (n_sh[a] + n_sh[b]) / np.maximum(1.0, np.minimum(n_sh[a], n_sh[b])))
    ok = (jac >= o.near_threshold) | (cont >= o.containment_threshold)
    edges = {}
    parent = list(range(len(groups)))

    def find(x):
        while parent[x] != x:
            x = parent[x]
        return x

    for x, y, j, c in zip(a[ok].tolist(), b[ok].tolist(), jac[ok].tolist(), cont[ok].tolist()):
        edges.setdefault(x, []).append((y, j, c))
        edges.setdefault(y, []).append((x, j, c))
        parent[max(find(x), find(y))] = min(find(x), find(y))
    comps = {}
    for i, g in enumerate(group):
        comps.setdefault(find(g), []).append(i)
    decisions = {}
    for comp in comps.values():
        longest = max(groups[group[i]] for i in comp)
        ordered = sorted(comp, key=lambda i: (
            float(records[i]["spun_score"]) >= o.spun_at, groups[group[i]] < o.complete_at * longest,
            repairs_of(records[i]), published_key(records[i]["published"]), records[i]["id"]))
        position = {i: k for k, i in enumerate(ordered)}
        keeper = {}
        for i in ordered:
            if group[i] in keeper:
                decisions[records[i]["id"]] = ("exact-duplicate", records[keeper[group[i]]]["id"])
                continue
            near = [(j, c, -position[keeper[y]], keeper[y]) for y, j, c in edges.get(group[i], []) if y in keeper]
            if not near:
                keeper[group[i]] = i
                continue
            j, c, _, k = max(near)
            decisions[records[i]["id"]] = ("near-duplicate", records[k]["id"], round(j, 3), round(c, 3))
    return decisions, len(pairs)


@pytest.mark.parametrize("max_bucket", [3, 200])
def test_decisions_match_the_explicit_candidate_pairs(monkeypatch, max_bucket):
    # clusters of varied copies far larger than the bucket cap: each copy keeps a random subset
    # of its article's paragraphs, so copies meet in different buckets in different bands
    import educorpus.corpus.dedup as dedup_module

    monkeypatch.setattr(dedup_module, "MAX_BUCKET", max_bucket)
    rng = random.Random(3)
    bodies = [article_body(random.Random(100 + k), paragraphs=(8, 12)) for k in range(3)]
    records = []
    for i in range(400):
        body = bodies[i % 3]
        text = "\n".join(p for p in body if rng.random() < 0.8) or body[0]
        records.append(rec(f"d{i:04d}", text, spun_score=rng.choice([0.0, 0.0, 0.9]),
                           published=f"2024-0{rng.randint(1, 9)}-01", edits={"normalize": {"x": rng.randint(0, 3)}}))
    o = CorpusOptions()
    expected, candidates = _reference_decisions(records, o, max_bucket)
    _, excluded, stats = run_corpus_steps(records, [Dedup(o)])
    got = {e["id"]: (e["reason"], e["detail"]["kept"]) + ((e["detail"]["similarity"], e["detail"]["containment"]) if e["reason"] == "near-duplicate" else ())
           for e in excluded}
    assert len(expected) > 300 and got == expected
    # pairs of records already connected are not verified again
    assert 0 < stats["dedup"]["compared_pairs"] < candidates / 5


def test_records_read_back_from_a_dataset_keep_their_edits_list():
    # datasets.load_dataset gives ``edits`` as the data files store it, [{step, rule, count}];
    # README's run_corpus_steps example on such records raised AttributeError ('list' has no
    # 'items'). The copy with fewer repairs is kept, counted from the list, and it comes back in
    # the form it came in.
    text = article(5)
    a = rec("a", text, edits=[{"step": "mojibake", "rule": "gbk-shift", "count": 9}])
    b = rec("b", text, edits=[{"step": "normalize", "rule": "fullwidth-punct", "count": 1}, {"step": "boilerplate", "rule": "icp", "count": 40}])
    kept, excluded, _ = dedup([a, b])
    assert dropped(excluded) == {"a": ("exact-duplicate", "b")}
    assert kept[0]["edits"] == b["edits"]
    assert isinstance(a["edits"], list)  # the inputs are not changed
