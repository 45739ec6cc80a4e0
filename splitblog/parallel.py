"""Spreading a build's independent pieces of work over every core.

Workers are forked when the work is ready, so they inherit everything it needs — the
parsed sources, the plans, the compiled templates — without pickling; only results
travel back, in order. Small jobs stay in one process: forking costs more than it
saves below a few hundred pieces.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

from splitblog.interrupts import uninterrupted

Result = TypeVar("Result")

PR_SET_PDEATHSIG = 1  # Linux prctl option
PARALLEL_FROM = 200  # pieces of work; below this one process is faster
CHUNK = 48

_work: list[Callable[[int], object]] = []  # in each worker: the function it was forked for


def workers() -> int:
    """One per core the process may use (SPLITBLOG_WORKERS overrides it)."""
    wanted = os.environ.get("SPLITBLOG_WORKERS", "")
    if wanted.isdigit() and int(wanted) > 0:
        return int(wanted)
    return max(1, min(len(os.sched_getaffinity(0)), 8))


def fan_out(
    work: Callable[[int], Result],
    count: int,
    progress: Callable[[int], None] | None = None,
    parallel_from: int = PARALLEL_FROM,
    chunk: int = CHUNK,
) -> Iterator[Result]:
    """`work(0)` … `work(count - 1)`, in order, on every core when there are many
    (`parallel_from`: how many make forking worth it — fewer for heavy pieces, such as
    photos to resize, which go one by one: `chunk=1`)."""
    if count < parallel_from or workers() == 1:
        for index in range(count):
            yield work(index)
            if progress and index % 100 == 99:
                progress(index + 1)
        return
    chunks = [(start, min(start + chunk, count)) for start in range(0, count, chunk)]
    context = multiprocessing.get_context("fork")
    # Objects the parent made so far are never collected by the workers: keeping the
    # collector off them keeps their memory pages shared instead of copied.
    gc.freeze()
    pool = ProcessPoolExecutor(
        workers(), mp_context=context, initializer=_adopt, initargs=(work, os.getpid())
    )
    try:
        with uninterrupted():
            # The workers are forked here. A Ctrl-C in the middle was swallowed by a
            # fork handler ("Exception ignored"), or stranded the workers: it waits until
            # they run. They inherit the held signals, so a terminal's Ctrl-C reaches the
            # build alone, which then stops them.
            pending = pool.map(_run, chunks)
        done = 0
        for results in pending:
            yield from results  # type: ignore[misc]
            done += len(results)
            if progress:
                progress(done)
    except BaseException:
        _abandon(pool)
        raise
    else:
        pool.shutdown()
    finally:
        gc.unfreeze()


def _abandon(pool: ProcessPoolExecutor) -> None:
    """Stop a pool whose work is no longer wanted (Ctrl-C, or a caller giving up)."""
    manager = getattr(pool, "_executor_manager_thread", None)
    if manager is not None and manager.is_alive():
        # The usual case: the manager stops the workers once their chunk is done.
        pool.shutdown(wait=True, cancel_futures=True)
        return
    # Workers forked but never managed (their manager thread did not start): nothing
    # would ever tell them to stop, and Python's exit would wait for them for ever.
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        process.kill()
    for process in processes:
        process.join(timeout=5)
    pool.shutdown(wait=False)


def _adopt(work: Callable[[int], object], parent: int) -> None:
    _die_with_parent(parent)
    _work[:] = [work]  # forked: `work` arrives by inheritance, not by pickling


def _die_with_parent(parent: int) -> None:
    """A build killed mid-way must not leave workers writing into its spare tree.

    `parent` is the build's pid as the build itself gave it: asked here, a worker that
    starts after its build died would be told init's, and never notice.
    """
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)


def _run(bounds: tuple[int, int]) -> list[object]:
    return [_work[0](index) for index in range(*bounds)]
