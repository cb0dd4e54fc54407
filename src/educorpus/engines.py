"""Execution engines: apply a function to a stream of records, in order, on one or many workers.

- ``local``: in this process (``num_proc=1``) or in a pool of ``num_proc`` worker processes.
- ``ray``: Ray Data (``pip install "educorpus[ray]"``) on a local Ray (started on demand with
  ``num_proc`` CPUs) or an existing cluster (``address="auto"`` or ``"ray://host:10001"``),
  through a pool of one actor per CPU.

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
    depth = num_proc * 4
    call = _BatchCall(fn)
    with ctx.Pool(num_proc) as pool:
        pending: collections.deque = collections.deque()
        for batch in _windows(items, batch_size):
            pending.append(pool.apply_async(call, (batch,)))
            if len(pending) >= depth:
                yield from pending.popleft().get()
        while pending:
            yield from pending.popleft().get()


class _BatchCall:
    """Picklable ``batch -> [fn(x) for x in batch]``."""

    def __init__(self, fn):
        self.fn = fn

    def __call__(self, batch):
        return _batch_apply(self.fn, batch)


def check_engine(engine: str) -> None:
    """Raise a clear ImportError now when ``engine`` needs an extra that is not installed."""
    if engine == "ray":
        _import_ray()


def _import_ray():
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError:
        raise ImportError('the ray engine needs Ray Data: pip install "educorpus[ray]"') from None
    return ray


def _map_ray(fn, items, *, num_proc: int, address: Optional[str], batch_size: int):
    ray = _import_ray()
    started_here = False
    if not ray.is_initialized():
        kwargs: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False, "configure_logging": False}
        if address:
            kwargs["address"] = address
        else:
            kwargs["num_cpus"] = num_proc
        ray.init(**kwargs)
        started_here = True
    try:
        data_ctx = ray.data.DataContext.get_current()
        # the executor may finish blocks in any order (an ordered executor holds finished blocks
        # back behind a slow one); each record carries its index, and results are yielded in
        # input order as soon as all before them are in
        data_ctx.execution_options.preserve_order = False
        data_ctx.enable_progress_bars = False
        call = _BatchCall(fn)

        # An actor pool, not tasks: Ray Data submits a task only when its executor loop (a thread
        # of this driver) has seen a CPU come free, so each worker idled between tasks (measured
        # on 1 MB under load: one worker busy 4.84 s of a 5.95 s window, 7 tasks). Actors get
        # their next batches queued ahead of them and never wait on the driver. Defined here so
        # that it is pickled by value with ``call`` inside (no constructor arguments).
        class _Apply:
            def __call__(self, batch: dict) -> dict:
                return {"i": list(batch["i"]), "out": call(list(batch["item"]))}

        if started_here:
            actors = num_proc
        else:  # an existing cluster: all its CPUs, as Ray Data's tasks would use
            actors = max(1, int(ray.cluster_resources().get("CPU", num_proc)))

        for chunk in _windows(items, max(batch_size * num_proc * 16, 512)):
            ds = ray.data.from_items(
                [{"i": i, "item": x} for i, x in enumerate(chunk)], override_num_blocks=max(1, min(len(chunk), num_proc * 16))
            )
            # a window's actors are started for it and end with it (Ray Data keeps no pool across
            # datasets): one worker start and warm-up per window, a few seconds against the
            # minutes a window of 512 build chunks takes
            # no more actors than batches: a small input (one build chunk) starts one worker, not N
            n = min(actors, -(-len(chunk) // batch_size))
            ds = ds.map_batches(
                _Apply, compute=ray.data.ActorPoolStrategy(size=n), batch_size=batch_size, batch_format="default"
            )
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
            ray.shutdown()
