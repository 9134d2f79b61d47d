"""Forked worker processes that map a function over items and hand the results back in order.

The SFT builder's categories are independent (each has its own seeded RNG), so they can be built in
parallel and still be written, and counted, exactly as one process would. Workers are forked: they
inherit the prepared categories (hundreds of MB of arrays) and the builder's closures copy-on-write
instead of receiving them by pickle; only results travel back.
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
import pickle
import sys
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

ITEMS_COST_PER_TASK = 200
"""About this much work per task (the SFT builder counts samples): a few tenths of a second, so the
per-task overhead (a queue round trip, pickling the results back) stays small and items of very
different sizes still spread evenly over the workers."""


def default_workers() -> int:
    """CPUs this process may run on (the affinity mask where the OS has one, else ``os.cpu_count``)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def can_fork() -> bool:
    """Worker processes need the fork start method (Linux): they inherit the parent's data
    copy-on-write instead of receiving it by pickle."""
    return sys.platform.startswith("linux") and "fork" in mp.get_all_start_methods()


@dataclass
class _Job(Generic[T, R]):
    """What the forked workers read: set in the parent just before the pool forks, never pickled."""

    tasks: list[Sequence[T]]
    fn: Callable[[T], R]


_JOB: _Job[Any, Any] | None = None


@dataclass
class _WorkerError:
    """An exception raised in a worker, carried back without calling its ``__init__`` (exceptions
    such as :class:`InputError` take arguments their pickled ``args`` do not hold)."""

    cls: type[BaseException]
    args: tuple[Any, ...]
    state: dict[str, Any]

    @classmethod
    def of(cls, exc: BaseException) -> _WorkerError:
        carried = cls(type(exc), exc.args, dict(vars(exc)))
        try:
            pickle.dumps(carried)
        except Exception:  # noqa: BLE001 - anything unpicklable becomes a plain message
            carried = cls(RuntimeError, (f"{type(exc).__name__}: {exc}",), {})
        return carried

    def rebuild(self) -> BaseException:
        exc = self.cls.__new__(self.cls)
        exc.args = self.args
        exc.__dict__.update(self.state)
        return exc


def _run_task(task: int) -> list[Any] | _WorkerError:
    job = _JOB
    assert job is not None, "worker started without a job (fork start method required)"
    try:
        return [job.fn(item) for item in job.tasks[task]]
    except Exception as exc:  # noqa: BLE001 - re-raised in the parent, at this item's turn
        return _WorkerError.of(exc)


def ordered_map(fn: Callable[[T], R], items: Sequence[T], workers: int, cost_per_item: int = 1) -> Iterator[R]:
    """``fn`` over ``items`` in forked workers; results are yielded in item order.

    Tasks are submitted a few at a time ahead of the consumer, so a consumer that stops early
    (the SFT builder's ``max_categories``) wastes little work; closing the iterator cancels the
    rest. An exception in a worker is re-raised here, at its item's turn.
    """
    global _JOB
    # At most ITEMS_COST_PER_TASK work a task, and at least a few tasks per worker on small jobs.
    size = max(1, min(ITEMS_COST_PER_TASK // max(1, cost_per_item), -(-len(items) // (4 * workers))))
    tasks = [items[i : i + size] for i in range(0, len(items), size)]
    window = 4 * workers
    _JOB = _Job(tasks, fn)
    gc.freeze()  # the collector would otherwise touch (and so copy) every inherited object's page
    # A pool executor rather than multiprocessing.Pool: a worker that dies (out of memory, killed)
    # raises BrokenProcessPool here instead of leaving the parent waiting forever.
    executor = ProcessPoolExecutor(min(workers, max(1, len(tasks))), mp_context=mp.get_context("fork"))
    try:
        pending: deque[Future[list[Any] | _WorkerError]] = deque()
        submitted = 0
        for _ in tasks:
            while submitted < len(tasks) and len(pending) < window:
                pending.append(executor.submit(_run_task, submitted))
                submitted += 1
            results = pending.popleft().result()
            if isinstance(results, _WorkerError):
                raise results.rebuild()
            yield from results
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
        _JOB = None
        gc.unfreeze()
