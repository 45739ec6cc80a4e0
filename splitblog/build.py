"""The build: every stage in order — the one entry point `build`, `check`, `serve` and
`deploy` call.

    config → content → routing → markdown → bodies (links) → pages → audit → writer

Nothing is written until every site has rendered and passed the audit; then each site
is swapped in whole. A rebuild with nothing changed stops after one walk of the inputs,
so the heavy modules (Markdown, Jinja, YAML, the audit) are imported only past that point.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import os
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from splitblog import __version__
from splitblog.cache import Cache
from splitblog.content.walk import discover, tree_stamps
from splitblog.errors import AuditError, ContentError, OutputError, Problem, SplitblogError
from splitblog.interrupts import uninterrupted
from splitblog.model import BuildOptions, Config, Source
from splitblog.theming import theme_files

if TYPE_CHECKING:
    from splitblog.routing.plan import Routing
    from splitblog.site.phases import SiteReport

CACHE_DIR = ".splitblog"
Progress = Callable[[str, int, int], None]  # (what, done, total)


@dataclass(frozen=True)
class BuildResult:
    sites: tuple[SiteReport, ...]
    up_to_date: bool  # nothing had changed: nothing was done
    seconds: float
    routing: Routing | None = field(default=None, repr=False)
    timings: tuple[tuple[str, float], ...] = ()  # (stage, seconds), for --timings and bench/


class Stopwatch:
    """Seconds spent per stage of one build."""

    def __init__(self) -> None:
        self.laps: list[tuple[str, float]] = []

    @contextlib.contextmanager
    def lap(self, stage: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.laps.append((stage, time.perf_counter() - started))


def cache_dir(config: Config) -> Path:
    return config.root / CACHE_DIR


def open_cache(config: Config, keep: bool = False) -> Cache:
    """The project's build cache; `keep=True` holds it in memory between builds."""
    return Cache(cache_dir(config) / "cache.sqlite", "", keep=keep)


def build(
    config: Config,
    options: BuildOptions | None = None,
    *,
    write: bool = True,
    progress: Progress | None = None,
    cache: Cache | None = None,
    atomic: bool = True,
) -> BuildResult:
    """Build the selected sites; raise a SplitblogError naming every problem found.

    `write=False` is `check`: the same work, and nothing written anywhere. `cache`: an
    open cache to use (and leave open), as `serve` keeps one between its rebuilds;
    otherwise the project's cache is opened for this build alone. `atomic=False` updates
    the output in place instead of swapping each site in whole (see writer.SiteTrees).
    """
    started = time.perf_counter()
    options = options or BuildOptions()
    unknown = [s for s in options.sites if s not in config.site_names]
    if unknown:
        raise ContentError(
            Problem(
                f"no site named {', '.join(map(repr, unknown))}",
                hint=f"use one of: {', '.join(config.site_names)}",
            )
        )
    selected = tuple(dict.fromkeys(options.sites)) or config.site_names
    if options.now is None:
        options = replace(options, now=datetime.now(UTC))
    progress = progress or _silent
    watch = Stopwatch()
    db = cache_dir(config) / "cache.sqlite"
    if not write:
        cache = Cache(db, "", writable=False)
        try:
            sites, routing = _pipeline(config, options, selected, cache, None, progress, watch)
        finally:
            cache.close()
        seconds = time.perf_counter() - started
        return BuildResult(sites, False, seconds, routing, tuple(watch.laps))
    own_cache = cache is None
    with build_lock(config):
        cache = cache or open_cache(config)
        try:
            state_key = f"{config.output_dir}|{','.join(selected)}"
            fingerprint = input_fingerprint(config, options, selected)
            state = cache.get("state", state_key)
            if state and _still_current(state, fingerprint, config, selected, options):
                return BuildResult((), True, time.perf_counter() - started)
            spares = spare_root(config)
            sites, routing = _pipeline(
                config, options, selected, cache, spares, progress, watch, in_place=not atomic
            )
            cache.put(
                "state",
                state_key,
                {
                    "fingerprint": fingerprint,
                    "trees": {n: _tree_id(config.output_dir / n) for n in selected},
                    "next_change": _next_change(routing.sources, options),
                },
            )
            with watch.lap("cache"):
                cache.commit()
            seconds = time.perf_counter() - started
            return BuildResult(sites, False, seconds, routing, tuple(watch.laps))
        finally:
            if own_cache:
                cache.close()


def _pipeline(
    config: Config,
    options: BuildOptions,
    selected: tuple[str, ...],
    cache: Cache,
    spares: Path | None,
    progress: Progress,
    watch: Stopwatch,
    in_place: bool = False,
) -> tuple[tuple[SiteReport, ...], Routing]:
    from splitblog.parallel import fan_out
    from splitblog.routing.plan import route
    from splitblog.site.bodies import MarkdownStore
    from splitblog.site.files import FileDigests
    from splitblog.site.phases import Made, SiteBuild

    problems: list[Problem] = []
    with watch.lap("content"):
        sources, known = _read_content(config, cache, problems, progress)
    with watch.lap("routing"):
        routing, collisions = route(config, sources, options, known, cache.memo("entries"))
    for name in selected:
        problems.extend(collisions[name])
    store = MarkdownStore(cache)
    with watch.lap("markdown"):
        entries = [e for name in selected for e in routing.plans[name].entries]
        store.prerender(entries, lambda done, total: progress("markdown", done, total))
    digests = FileDigests(cache)
    broken = known - {s.key for s in sources}
    builds = {
        name: SiteBuild(
            config,
            routing.plans[name],
            routing.links,
            broken,
            store,
            cache,
            digests,
            spares,
            progress,
            in_place,
        )
        for name in selected
    }
    with watch.lap("prepare"):
        for site_build in builds.values():
            problems.extend(site_build.prepare())
    _raise(problems)
    with watch.lap("pages"):
        for site_build in builds.values():
            site_build.start(sources, options)
        jobs = [(name, index) for name, b in builds.items() for index in b.pending]
        made: dict[str, list[Made]] = {name: [] for name in builds}

        def make(job: int) -> Made:
            name, index = jobs[job]
            return builds[name].make(index)

        for (name, _index), result in zip(
            jobs, fan_out(make, len(jobs), lambda n: progress("pages", n, len(jobs))), strict=True
        ):
            made[name].append(result)
    with watch.lap("audit"):
        for name, site_build in builds.items():
            problems.extend(site_build.conclude(made[name]))
    _raise(problems, AuditError)
    reports: list[SiteReport] = []
    if spares is not None:
        with watch.lap("write"):
            for site_build in builds.values():
                reports.append(site_build.publish())
            digests.save()
    return tuple(reports), routing


def _read_content(
    config: Config, cache: Cache, problems: list[Problem], progress: Progress
) -> tuple[list[Source], frozenset[str]]:
    """Sources for every content file, reusing unchanged ones from the cache."""
    from splitblog.content.sources import read_or_problems
    from splitblog.parallel import fan_out

    files, found = discover(config)
    problems.extend(found)
    salt = repr(
        (config.site_names, config.default_audience, config.timezone, str(config.content_dir))
    )
    space = "sources|" + hashlib.blake2b(salt.encode(), digest_size=8).hexdigest()
    known = cache.get_all(space)  # one row per file: a changed file rewrites its row only
    by_key: dict[str, Source] = {
        f.key: known[f.key][1] for f in files if f.key in known and known[f.key][0] == f.stamp
    }
    unread = [f for f in files if f.key not in by_key]
    read = fan_out(
        lambda i: read_or_problems(unread[i], config),
        len(unread),
        lambda n: progress("content", n, len(unread)),
    )
    for file, result in zip(unread, read, strict=True):
        if isinstance(result, tuple):
            problems.extend(result)
        else:
            by_key[file.key] = result
            cache.put(space, file.key, (file.stamp, result))
    for gone in known.keys() - {f.key for f in files}:
        cache.delete(space, gone)
    sources = [by_key[f.key] for f in files if f.key in by_key]
    return sources, frozenset(f.key for f in files)


def _raise(problems: list[Problem], kind: type[SplitblogError] = ContentError) -> None:
    if problems:
        unique = dict.fromkeys(problems)
        raise kind(sorted(unique, key=lambda p: (p.path or "~", p.line or 0, p.message)))


def _silent(what: str, done: int, total: int) -> None:
    pass


# -- the no-op check -----------------------------------------------------------------------
def input_fingerprint(config: Config, options: BuildOptions, sites: Sequence[str]) -> str:
    """Changes whenever anything a build reads changes (by size and mtime)."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(repr((__version__, options.drafts, options.future, tuple(sites))).encode())
    digest.update(repr(config).encode())
    stat = config.path.stat()
    digest.update(repr((stat.st_size, stat.st_mtime_ns)).encode())
    digest.update(repr(tree_stamps(config.content_dir)).encode())
    for theme in sorted({s.theme for s in config.sites}):
        for path in theme_files(config.root, theme):
            info = path.stat()
            digest.update(repr((str(path), info.st_size, info.st_mtime_ns)).encode())
    for site in config.sites:
        if site.author.avatar:
            info = (config.root / site.author.avatar).stat()
            digest.update(repr((site.author.avatar, info.st_size, info.st_mtime_ns)).encode())
    return digest.hexdigest()


def _still_current(
    state: dict, fingerprint: str, config: Config, sites: Sequence[str], options: BuildOptions
) -> bool:
    if state.get("fingerprint") != fingerprint:
        return False
    due = state.get("next_change")
    if due is not None and options.now is not None and options.now.timestamp() >= due:
        return False  # a post dated in the future has come due
    trees = state.get("trees", {})
    return all(
        trees.get(n) is not None and trees[n] == _tree_id(config.output_dir / n) for n in sites
    )


def _next_change(sources: Sequence[Source], options: BuildOptions) -> float | None:
    """When the next future-dated post comes due, changing the output by itself."""
    if options.future or options.now is None:
        return None
    due = [s.date.timestamp() for s in sources if s.date is not None and s.date > options.now]
    return min(due) if due else None


def _tree_id(path: Path) -> str | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return f"{info.st_dev}:{info.st_ino}"


# -- where output goes, and one build at a time ---------------------------------------------
def spare_root(config: Config) -> Path:
    """Where the spare trees live: in the cache folder when it is on the output's file
    system (the atomic swap needs both trees on one), else hidden in the output folder."""
    output, cache = config.output_dir, cache_dir(config)
    output.mkdir(parents=True, exist_ok=True)
    cache.mkdir(parents=True, exist_ok=True)
    if cache.stat().st_dev == output.stat().st_dev and _can_rename(cache, output):
        tag = hashlib.blake2b(str(output).encode(), digest_size=6).hexdigest()
        return cache / "trees" / tag
    return output / ".splitblog-trees"


def _can_rename(source: Path, target: Path) -> bool:
    """Whether a folder can move from `source` to `target`. One file system is not
    enough: a bind mount (a container's volume) shares its device number, yet a rename
    across it fails, and a swap would then fail at the very end of every build."""
    with uninterrupted():  # a Ctrl-C in the middle would leave the probe behind
        probe = Path(tempfile.mkdtemp(prefix="probe-", dir=source))
        moved = target / f".splitblog-{probe.name}"
        try:
            os.rename(probe, moved)
        except OSError as exc:
            if exc.errno == errno.EXDEV:
                return False
            raise
        finally:
            for folder in (probe, moved):
                with contextlib.suppress(OSError):
                    folder.rmdir()
    return True


@contextlib.contextmanager
def build_lock(config: Config, wait: float = 120.0) -> Iterator[None]:
    """One build at a time per project: a second one waits, then gives up clearly.

    A POSIX record lock (lockf), not flock: it belongs to this process alone, so the
    workers it forks do not hold it, and it goes when the process dies, even by SIGKILL.
    """
    folder = cache_dir(config)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle = open(folder / "lock", "w")  # noqa: SIM115 - held for the whole build
    except OSError as exc:
        raise OutputError(
            Problem(f"cannot create {folder}: {exc.strerror}", hint="make the project writable")
        ) from None
    with handle:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EACCES, errno.EAGAIN):
                    raise OutputError(
                        Problem(f"cannot lock {folder / 'lock'}: {exc.strerror}")
                    ) from None
                if time.monotonic() > deadline:
                    raise OutputError(
                        Problem(
                            "another splitblog build of this project is still running",
                            path=str(folder / "lock"),
                            hint="wait for it to finish (or stop it), then run again",
                        )
                    ) from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.lockf(handle, fcntl.LOCK_UN)
