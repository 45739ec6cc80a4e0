"""Rendering many Markdown bodies on every core, for cold builds.

Workers are forked after routing, so they inherit the entries and need no pickling on
the way in; only the rendered bodies travel back. Small jobs stay in-process: forking
costs more than it saves below a few hundred posts.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor

from .bodies import MarkdownStore, markdown_key
from .markdown import MarkdownRenderer, RenderedBody
from .model import Entry

PARALLEL_FROM = 200  # entries; below this one process is faster
CHUNK = 64

_work: list[Entry] = []  # in each worker: the entries it was forked with


def _start_worker(entries: list[Entry]) -> None:
    _work[:] = entries


def _render_chunk(bounds: tuple[int, int]) -> list[tuple[str, RenderedBody]]:
    renderer = MarkdownRenderer()
    return [
        (markdown_key(e), renderer.render(e.source, e.text, e.summary))
        for e in _work[bounds[0] : bounds[1]]
    ]


def workers() -> int:
    return max(1, min(len(os.sched_getaffinity(0)), 8))


def prerender(
    store: MarkdownStore, entries: Sequence[Entry], progress: Callable[[str, int, int], None]
) -> None:
    """Render every entry the store lacks, in parallel when there are many."""
    missing = store.missing(entries)
    if len(missing) < PARALLEL_FROM or workers() == 1:
        for done, entry in enumerate(missing, 1):
            store.get(entry)
            if done % 200 == 0:
                progress("markdown", done, len(missing))
        return
    bounds = [(i, min(i + CHUNK, len(missing))) for i in range(0, len(missing), CHUNK)]
    # Forked workers inherit `missing` (initargs are not pickled under fork).
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(
        workers(), mp_context=context, initializer=_start_worker, initargs=(missing,)
    ) as pool:
        done = 0
        for results in pool.map(_render_chunk, bounds):
            for key, body in results:
                store.add(key, body)
            done += len(results)
            progress("markdown", done, len(missing))
