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


def test_ray_leaves_the_callers_data_context_alone():
    # a user running Ray Data pipelines of their own keeps their settings, also while the
    # engine's generator is suspended between two records
    ray = pytest.importorskip("ray", reason='the ray engine is an extra: pip install "educorpus[ray]"')
    pytest.importorskip("ray.data")
    ctx = ray.data.DataContext.get_current()
    saved = (ctx.execution_options.preserve_order, ctx.enable_progress_bars)
    ctx.execution_options.preserve_order, ctx.enable_progress_bars = True, True
    try:
        out = map_ordered(abs, range(0, -40, -1), engine="ray", num_proc=2, batch_size=4)
        assert next(out) == 0
        assert (ctx.execution_options.preserve_order, ctx.enable_progress_bars) == (True, True)
        assert list(out) == list(range(1, 40))
        assert ray.data.DataContext.get_current() is ctx
        assert (ctx.execution_options.preserve_order, ctx.enable_progress_bars) == (True, True)
    finally:
        ctx.execution_options.preserve_order, ctx.enable_progress_bars = saved


def _closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # free, and nothing listens once the socket is closed


@pytest.fixture
def http_port():
    # something that answers, but is no Ray head: an HTTP/1 server, like Ray's dashboard
    import http.server
    import threading

    class Quiet(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("0.0.0.0", 0), Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_an_unreachable_cluster_fails_fast_naming_the_address(tmp_path, http_port):
    pytest.importorskip("ray.data", reason='the ray engine is an extra: pip install "educorpus[ray]"')
    import time

    from educorpus.dataset import DatasetError

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text("教育部发布通知。", encoding="utf-8")
    for address, says in [
        (f"127.0.0.1:{_closed_port()}", "cannot reach a Ray cluster at"),
        (f"127.0.0.1:{http_port}", "not as the head of a Ray cluster"),
        ("no-such-host.invalid:6379", "cannot reach a Ray cluster at"),
        ("6379", "expected HOST:PORT"),
    ]:
        start = time.monotonic()
        with pytest.raises(DatasetError) as caught:
            educorpus.build_dataset(raw, tmp_path / "out", "x", version="1.0.0", engine="ray", address=address, progress=False)
        # ray.init itself retries such an address for minutes
        assert time.monotonic() - start < 30
        message = str(caught.value)
        assert address in message and says in message
        if "expected" not in says:
            assert "ray start --head" in message and "leave out --address" in message
    assert not (tmp_path / "out" / "x" / "1.0.0").exists()


def test_cli_names_an_unreachable_cluster(tmp_path):
    pytest.importorskip("ray.data", reason='the ray engine is an extra: pip install "educorpus[ray]"')
    import subprocess
    import sys

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text("教育部发布通知。", encoding="utf-8")
    address = f"127.0.0.1:{_closed_port()}"
    cmd = [sys.executable, "-m", "educorpus", "build", str(raw), "--out", str(tmp_path / "out"), "--name", "x", "--version", "1.0.0"]
    run = subprocess.run(cmd + ["--engine", "ray", "--address", address], capture_output=True, text=True, timeout=120)
    assert run.returncode == 2
    assert f"cannot reach a Ray cluster at {address}" in run.stderr and "Traceback" not in run.stderr


def _exit_on_three(x):
    if x == 3:
        import os

        os._exit(7)  # a worker killed from outside (the OOM killer) ends like this: no exception
    return x


def _in_subprocess(code: str = "", script=None, timeout: float = 120):
    import subprocess
    import sys

    args = [sys.executable, str(script)] if script else [sys.executable, "-c", code]
    try:
        return subprocess.run(args, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        pytest.fail(f"still running after {timeout} s: a dead worker must end the map, not hang it")


def test_local_pool_reports_a_worker_that_died():
    # multiprocessing.Pool replaced the dead worker and waited forever for the lost batch
    r = _in_subprocess(
        "from educorpus.engines import map_ordered, EngineError\n"
        "from tests.test_engines import _exit_on_three\n"
        "try:\n"
        "    list(map_ordered(_exit_on_three, range(8), num_proc=2, batch_size=1))\n"
        "except EngineError as exc:\n"
        "    print('EngineError:', exc)\n"
    )
    assert r.returncode == 0, r.stderr
    assert "EngineError: a worker process ended unexpectedly" in r.stdout


def test_a_script_without_a_main_guard_fails_and_says_why(tmp_path):
    # the README's build_dataset example pasted into a script: each spawned worker imports the
    # script again and calls build_dataset itself while the parent holds the version's lock
    from .conftest import SEEDS

    script = tmp_path / "build_it.py"
    script.write_text(
        "import educorpus\n"
        f"educorpus.build_dataset([{str(SEEDS)!r}], {str(tmp_path / 'dist')!r}, 'edu', version='0.1.0', num_proc=2, progress=False)\n",
        encoding="utf-8",
    )
    r = _in_subprocess(script=script)
    assert r.returncode != 0
    assert '__name__ == "__main__"' in r.stderr
    assert not (tmp_path / "dist" / "edu" / "0.1.0").exists()
    assert not list((tmp_path / "dist" / "edu").glob(".0.1.0*"))  # no lock, no partial build


def _pid_after_a_while(x):
    import os
    import time

    time.sleep(0.2)
    return os.getpid()


@pytest.mark.skipif(not __import__("os").path.isdir("/proc/self"), reason="looks processes up in /proc")
def test_workers_do_not_outlive_a_killed_driver(tmp_path):
    # a CI timeout kills the build's process (SIGTERM, SIGKILL): its workers must go too, not wait
    # forever on a queue nobody writes to (holding memory and the job's output pipes)
    import os
    import subprocess
    import sys
    import time

    out = tmp_path / "pids.txt"
    code = (
        "import os, signal\n"
        "from educorpus.engines import map_ordered\n"
        "from tests.test_engines import _pid_after_a_while\n"
        "it = map_ordered(_pid_after_a_while, range(1000), num_proc=2, batch_size=1)\n"
        "pids = {next(it) for _ in range(20)}\n"
        f"open({str(out)!r}, 'w').write(' '.join(map(str, pids)))\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
    assert r.returncode == -9
    pids = [int(p) for p in out.read_text().split()]
    assert pids
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(os.path.exists(f"/proc/{p}") for p in pids):
        time.sleep(0.2)
    alive = [p for p in pids if os.path.exists(f"/proc/{p}")]
    for p in alive:  # do not leave them behind for the rest of the suite
        os.kill(p, 9)
    assert not alive, f"workers {alive} outlived their killed driver"
