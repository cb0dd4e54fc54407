"""Execution engines: apply a function to a stream of records, in order, on one or many workers.

- ``local``: in this process (``num_proc=1``) or in a pool of ``num_proc`` worker processes.
- ``ray``: Ray Data (``pip install "educorpus[ray]"``) on a local Ray (started on demand with
  ``num_proc`` CPUs and shut down at the end) or an existing cluster (``address="HOST:PORT"`` of
  its head, ``"auto"``, or ``"ray://HOST:10001"`` with ``ray[client]``), through a pool of one
  actor per CPU of the cluster. A Ray the caller has already initialised is used as it is, and
  left running; so is a cluster (only this process's connection to it is closed). The caller's
  Ray Data settings (``DataContext``) are not changed: each dataset gets its own copy.

Both yield results in input order, and both work through the input in windows of bounded size,
so memory stays bounded however long the stream is. The function must be picklable (a
module-level function); heavy objects it uses (OpenCC converters, jieba) are built once per
worker process by the modules that own them.

Not handled here: corpus-level steps (deduplication, site learning). They need every record and
run in the process that drives the build, after the engine has cleaned the records.
"""

from __future__ import annotations

import collections
import itertools
import multiprocessing as mp
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Callable, Iterable, Iterator, Optional, TypeVar

T = TypeVar("T")
R = TypeVar("R")

ENGINES = ("local", "ray")
_MISSING = object()


def _batch_apply(fn: Callable[[Any], Any], batch: list) -> list:
    return [fn(x) for x in batch]


def _windows(items: Iterable[T], size: int) -> Iterator[list[T]]:
    it = iter(items)
    while True:
        window = list(itertools.islice(it, size))
        if not window:
            return
        yield window


def map_ordered(
    fn: Callable[[T], R],
    items: Iterable[T],
    *,
    engine: str = "local",
    num_proc: int = 1,
    address: Optional[str] = None,
    batch_size: int = 32,
) -> Iterator[R]:
    """Yield ``fn(item)`` for every item, in input order.

    >>> list(map_ordered(abs, [-1, 2, -3]))
    [1, 2, 3]
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; use one of {', '.join(ENGINES)}")
    if num_proc < 1:
        raise ValueError(f"num_proc must be >= 1, not {num_proc}")
    if engine == "ray":
        yield from _map_ray(fn, items, num_proc=num_proc, address=address, batch_size=batch_size)
    elif num_proc == 1:
        for item in items:
            yield fn(item)
    else:
        yield from _map_pool(fn, items, num_proc=num_proc, batch_size=batch_size)


def _map_pool(fn, items, *, num_proc: int, batch_size: int):
    # spawn, not fork: a caller may have threads (tqdm's monitor, pyarrow's pools) that fork
    # would copy in a locked state
    ctx = mp.get_context("spawn")
    # Batches in flight, submitted one by one as the oldest is yielded: memory stays bounded
    # and no worker waits at a window's end for a slow batch of another (pages vary tenfold in
    # cost: a damaged one is searched, a clean one is not). Pool.imap would read the whole
    # input ahead.
    # ProcessPoolExecutor, not multiprocessing.Pool: when a worker dies (killed, out of memory,
    # or failing while it starts, as a script without a __main__ guard makes it) Pool starts a
    # new one and the lost batch's result never comes, so the caller waits forever; the
    # executor reports it as BrokenProcessPool.
    depth = num_proc * 4
    call = _BatchCall(fn)
    pool = ProcessPoolExecutor(num_proc, mp_context=ctx, initializer=_worker_init)
    finished = False
    try:
        pending: collections.deque = collections.deque()
        for batch in _windows(items, batch_size):
            pending.append(pool.submit(call, batch))
            if len(pending) >= depth:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
        finished = True
    except BrokenProcessPool as exc:
        raise EngineError(
            "a worker process ended unexpectedly (killed, out of memory, or it failed while starting); "
            "a script that starts this work at import time must do so under `if __name__ == \"__main__\":`, "
            "since every worker process imports the script again"
        ) from exc
    finally:
        if not finished:
            # an error, Ctrl-C or an abandoned generator: the batches still queued or running are
            # not wanted; stop the workers rather than wait for them
            _terminate(pool)
        pool.shutdown(wait=True, cancel_futures=True)


def _worker_init() -> None:
    # Ctrl-C reaches every process of the terminal's group: the driving process handles it and
    # stops the workers; a worker would only print a KeyboardInterrupt traceback of its own
    import signal
    import threading

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A driver killed outright (SIGTERM from a CI timeout, SIGKILL) cannot stop its workers, and
    # an executor's worker never sees its queue close (it holds an end of the pipe itself): it
    # would wait forever, holding memory and the build's output pipes. Watch the parent instead.
    parent = mp.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent,), name="educorpus-parent-watch", daemon=True).start()


def _exit_with(parent) -> None:
    from multiprocessing.connection import wait

    wait([parent.sentinel])
    os._exit(1)


def _terminate(pool: ProcessPoolExecutor) -> None:
    stop = getattr(pool, "terminate_workers", None)  # Python 3.14
    if stop is not None:
        stop()
        return
    for proc in list((getattr(pool, "_processes", None) or {}).values()):
        if proc.is_alive():
            proc.terminate()


class _BatchCall:
    """Picklable ``batch -> [fn(x) for x in batch]``."""

    def __init__(self, fn):
        self.fn = fn

    def __call__(self, batch):
        return _batch_apply(self.fn, batch)


class EngineError(RuntimeError):
    """An engine cannot start or cannot go on: the Ray cluster named by ``address`` cannot be
    reached, or a worker process of the local engine died."""


def check_engine(engine: str, address: Optional[str] = None) -> None:
    """Fail now, with a clear message, when ``engine`` cannot run.

    An ImportError when the engine needs an extra that is not installed; an :class:`EngineError`
    within seconds when ``address`` names a Ray cluster that does not answer.
    """
    if engine == "ray":
        ray = _import_ray()
        if address and not ray.is_initialized():
            _check_address(address)


def _import_ray():
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError:
        raise ImportError('the ray engine needs Ray Data: pip install "educorpus[ray]"') from None
    return ray


# What to do about an address that does not answer, said once for every way it can fail.
_LOCAL_HELP = "leave out --address to start a local Ray with --num-proc CPUs"
_ADDRESS_HELP = f"start a cluster there (`ray start --head --port PORT` prints the address to pass), or {_LOCAL_HELP}"

# The client preface of HTTP/2 (RFC 9113 §3.4) and an empty SETTINGS frame. A Ray head's GCS
# is a gRPC server, so it speaks HTTP/2 and must answer with a SETTINGS frame of its own.
_H2_PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + b"\x00\x00\x00\x04\x00\x00\x00\x00\x00"


def _check_address(address: str, timeout: float = 5.0) -> None:
    """Raise :class:`EngineError` when nothing that can be a Ray head answers at ``address``.

    ``ray.init`` does not fail on such an address: it retries for many minutes (measured with
    Ray 2.60: still retrying after 5 min for a closed port), so a mistyped address would hang a
    build. A TCP connection (bounded by ``timeout``) tells a closed port, an unknown host or a
    silent one at once; the HTTP/2 greeting tells a port where something else answers, such
    as the dashboard's (8265), which users often have in RAY_ADDRESS for `ray job submit`.
    Not caught here: another gRPC server on that port (the Ray Client's 10001 without
    ``ray://``); ``ray.init`` then retries as it does.
    """
    import socket

    client = address.startswith("ray://")
    if client:
        target, default_port = address[len("ray://") :], 10001
    else:
        default_port = None
        try:
            # the same resolution as ray.init's: "auto" (RAY_ADDRESS, the cluster that
            # `ray start` recorded), and localhost as this node's address
            from ray._private.services import canonicalize_bootstrap_address

            target = canonicalize_bootstrap_address(address) or ""
        except ConnectionError as exc:  # "auto" and no cluster found
            raise EngineError(f"--address {address} found no Ray cluster on this machine ({exc}); start one with `ray start --head`, or {_LOCAL_HELP}") from None
        except Exception:  # a private helper: if Ray moves it, probe the address as given
            target = address
        if not target:  # "local": ray.init starts a local Ray; nothing to reach
            return
    host, sep, port_text = target.rpartition(":")
    if not sep:
        host, port_text = target, str(default_port or "")
    host = host.strip("[]")
    if not port_text.isdigit() or not host:
        raise EngineError(f"--address {address}: expected HOST:PORT of a Ray head, auto, or ray://HOST[:PORT]")
    where = f"{address}" if target == address else f"{address} ({target})"
    try:
        with socket.create_connection((host, int(port_text)), timeout=timeout) as sock:
            if client or os.environ.get("RAY_USE_TLS", "0").lower() in ("1", "true"):
                return  # the Ray Client's server, or a TLS handshake first: no plain HTTP/2 here
            sock.settimeout(timeout)
            sock.sendall(_H2_PREFACE)
            frame = b""
            while len(frame) < 9:
                part = sock.recv(9 - len(frame))
                if not part:
                    break
                frame += part
    except OSError as exc:
        raise EngineError(f"cannot reach a Ray cluster at {where}: {exc.strerror or exc}; {_ADDRESS_HELP}") from None
    if len(frame) < 9 or frame[3] != 0x04:
        raise EngineError(
            f"{where} answers, but not as the head of a Ray cluster (not a gRPC server: the dashboard's "
            f"port?); pass the address that `ray start --head` printed (port 6379 by default), or {_LOCAL_HELP}"
        )


def _map_ray(fn, items, *, num_proc: int, address: Optional[str], batch_size: int):
    ray = _import_ray()
    started_here = False
    if not ray.is_initialized():
        kwargs: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False, "configure_logging": False}
        if address:
            _check_address(address)
            kwargs["address"] = address
        else:
            kwargs["num_cpus"] = num_proc
        try:
            ray.init(**kwargs)
        except (ConnectionError, RuntimeError, ValueError) as exc:
            if not address:
                raise
            # e.g. a version mismatch between this Ray and the cluster's, or Ray Client missing;
            # a refused token only shows in Ray's log lines, hence the hint (a `ray start` head
            # turns token authentication on when a token exists, and a driver given an explicit
            # address only sends one when asked to)
            hint = "" if os.environ.get("RAY_AUTH_MODE") else " (a cluster with token authentication needs RAY_AUTH_MODE=token here)"
            raise EngineError(f"cannot connect to the Ray cluster at {address}: {exc}{hint}") from exc
        started_here = True
    try:
        call = _BatchCall(fn)

        # An actor pool, not tasks: Ray Data submits a task only when its executor loop (a thread
        # of this driver) has seen a CPU come free, so each worker idled between tasks (measured
        # on 1 MB under load: one worker busy 4.84 s of a 5.95 s window, 7 tasks). Actors get
        # their next batches queued ahead of them and never wait on the driver. Defined here so
        # that it is pickled by value with ``call`` inside (no constructor arguments).
        class _Apply:
            def __call__(self, batch: dict) -> dict:
                return {"i": list(batch["i"]), "out": call(list(batch["item"]))}

        if started_here and not address:  # the local Ray started above with num_proc CPUs
            workers = num_proc
        else:  # a cluster, or the caller's Ray: all its CPUs, as Ray Data's tasks would use
            workers = max(1, int(ray.cluster_resources().get("CPU", num_proc)))

        for chunk in _windows(items, max(batch_size * workers * 16, 512)):
            ds = ray.data.from_items(
                [{"i": i, "item": x} for i, x in enumerate(chunk)], override_num_blocks=max(1, min(len(chunk), workers * 16))
            )
            # a window's actors are started for it and end with it (Ray Data keeps no pool across
            # datasets): one worker start and warm-up per window, a few seconds against the
            # minutes a window of 512 build chunks takes
            # no more actors than batches: a small input (one build chunk) starts one worker, not N
            n = min(workers, -(-len(chunk) // batch_size))
            ds = ds.map_batches(
                _Apply, compute=ray.data.ActorPoolStrategy(size=n), batch_size=batch_size, batch_format="default"
            )
            _own_settings(ray, ds)
            out: list = [_MISSING] * len(chunk)
            ready = 0  # results before this index have been yielded
            for row in ds.iter_rows():
                out[row["i"]] = row["out"]
                while ready < len(out) and out[ready] is not _MISSING:
                    yield out[ready]
                    out[ready] = None  # the caller has it: free it here
                    ready += 1
            if ready < len(out):  # never seen; a record must not vanish silently
                raise RuntimeError(f"the ray engine lost {sum(x is _MISSING for x in out)} of {len(chunk)} records of a window")
    finally:
        if started_here:
            ray.shutdown()  # this process's Ray, or its connection to a cluster, which goes on


def _own_settings(ray, ds) -> None:
    """Set this engine's Ray Data options on ``ds``'s own context, not on the caller's.

    A dataset takes a copy of ``DataContext.get_current()`` when it is created and runs with
    that copy (Ray's documented behaviour), so changing the copy leaves the settings of a
    caller who runs Ray Data pipelines of their own as they were -- also while this generator
    is suspended between two records, when setting and restoring the global would not.
    """
    ctx = ds.context
    if ctx is ray.data.DataContext.get_current():
        # a Ray that shares the caller's object: run with the caller's settings (records come
        # back in order anyway, only more slowly) rather than change them
        return
    # the executor may finish blocks in any order (an ordered executor holds finished blocks
    # back behind a slow one); each record carries its index, and results are yielded in input
    # order as soon as all before them are in
    ctx.execution_options.preserve_order = False
    # the build has a progress bar of its own
    ctx.enable_progress_bars = False
