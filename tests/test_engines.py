"""Engines give the same results, in the same order, as a plain loop."""

from __future__ import annotations

import pytest

import educorpus
from educorpus.engines import map_ordered


@pytest.fixture(scope="module")
def pages(seeds):
    # a few hundred records of varied length, built from the seeds
    texts = list(seeds.values())
    out = []
    for i in range(240):
        t = texts[i % len(texts)]
        cut = (i * 997) % max(1, len(t) // 2)
        out.append(t[cut:] + f"\n第{i}页,完")
    return out


def test_local_pool_matches_a_plain_loop(pages):
    expected = [educorpus.clean(p) for p in pages]
    assert list(map_ordered(educorpus.clean, pages, num_proc=2, batch_size=7)) == expected


def test_ray_matches_local(pages):
    pytest.importorskip("ray.data", reason='the ray engine is an extra: pip install "educorpus[ray]"')
    expected = [educorpus.clean(p) for p in pages]
    assert list(map_ordered(educorpus.clean, pages, engine="ray", num_proc=2, batch_size=16)) == expected


def test_local_pool_reads_its_input_lazily():
    # a stream far larger than memory must not be read ahead of the workers
    read = []

    def stream():
        for i in range(10_000):
            read.append(i)
            yield -i

    out = map_ordered(abs, stream(), num_proc=2, batch_size=10)
    assert [next(out) for _ in range(5)] == [0, 1, 2, 3, 4]
    assert len(read) <= 2 * 4 * 10 + 10  # the batches in flight, and the one being cut
    assert sum(out) == sum(range(5, 10_000))


def test_local_pool_reports_a_worker_error():
    with pytest.raises(TypeError):
        list(map_ordered(abs, [1, "x", 3], num_proc=2, batch_size=1))


def test_bad_engine_options():
    with pytest.raises(ValueError, match="local, ray"):
        list(map_ordered(abs, [1], engine="spark"))
    with pytest.raises(ValueError, match="num_proc"):
        list(map_ordered(abs, [1], num_proc=0))


def test_build_gives_identical_data_on_local_and_ray(tmp_path, seeds):
    pytest.importorskip("ray.data", reason='the ray engine is an extra: pip install "educorpus[ray]"')
    raw = tmp_path / "raw"
    raw.mkdir()
    texts = list(seeds.values())
    for i in range(120):  # a few hundred records is plenty; keep CI quick
        (raw / f"{i:03d}.txt").write_text(texts[i % 4][(i * 31) % 500 :] + f"\n第{i}页", encoding="utf-8")
    a = educorpus.build_dataset(raw, tmp_path / "out", "eq", version="1.0.0", num_proc=2, corpus_steps=[], progress=False)
    b = educorpus.build_dataset(raw, tmp_path / "out", "eq", version="1.0.1", engine="ray", num_proc=2, corpus_steps=[], progress=False)
    files_a = sorted(p.relative_to(a) for p in (a / "data").rglob("*.parquet"))
    assert files_a == sorted(p.relative_to(b) for p in (b / "data").rglob("*.parquet"))
    for rel in files_a:
        assert (a / rel).read_bytes() == (b / rel).read_bytes()
