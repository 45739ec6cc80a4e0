"""`splitblog serve`: every site built into a temporary folder, each served on its own
port, rebuilt when a file changes, and every open tab told of each new build.

    watchdog ─► Changes ─► build loop ─► build() ─► Hub ─► event streams ─► tabs
                 (paths)   (settles,     (its cache   (state)
                            gate shut)    re-renders what changed)

Nothing here decides what to rebuild: the build's own cache does that. The preview is
the same build as `splitblog build`, with two differences: it writes to a temporary
folder, and each site's base URL is its preview address, so every link, stylesheet,
image and feed URL stays on the preview server (and a link that a site's policy
`allow`s goes to the other site's preview port).
"""

from __future__ import annotations

import contextlib
import gc
import os
import secrets
import shutil
import signal
import sys
import tempfile
import threading
import traceback
import webbrowser
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from types import FrameType

from splitblog.build import BuildResult, Progress, build, open_cache, problem_sites, spare_root
from splitblog.config import Config, load_config
from splitblog.errors import Problem, SplitblogError, file_system_problem
from splitblog.model import BuildOptions
from splitblog.preview.http import SiteServers
from splitblog.preview.reload import BuildGate, BuildState, Hub
from splitblog.preview.watch import Changes, Watcher, watch_plan
from splitblog.terminal.progress import progress_bar

Echo = Callable[..., None]


@dataclass(frozen=True)
class ServeOptions:
    port: int = 8000
    bind: str = "127.0.0.1"
    drafts: bool = False
    future: bool = False
    open_browser: bool = True


class Stopped(BaseException):
    """SIGTERM: stop like Ctrl-C does (a BaseException, so no `except Exception` eats it)."""


# -- preview addresses ------------------------------------------------------------------------
def assign_ports(names: Sequence[str], current: Mapping[str, int], first: int) -> dict[str, int]:
    """The first site on `first`, the next on `first + 1` …; a site keeps its port while
    the server runs, and a site added to the configuration gets the next one up."""
    ports = {name: current[name] for name in names if name in current}
    next_port = max([first - 1, *ports.values()]) + 1
    for name in names:
        if name not in ports:
            ports[name] = next_port
            next_port += 1
    return ports


def url_host(bind: str) -> str:
    """The host pages link to: the bound address, or loopback when bound to all."""
    if bind in ("", "0.0.0.0"):
        return "127.0.0.1"
    if bind == "::":
        return "[::1]"
    return f"[{bind}]" if ":" in bind else bind


def preview_config(config: Config, output: Path, ports: Mapping[str, int], host: str) -> Config:
    """The configuration a preview builds: its own output folder, its own addresses."""
    sites = tuple(replace(s, base_url=f"http://{host}:{ports[s.name]}/") for s in config.sites)
    return replace(config, output_dir=output, sites=sites)


@contextlib.contextmanager
def _frozen_after() -> Iterator[None]:
    """What outlives a rebuild — the cache the server keeps between builds — frozen out
    of later collections (a build pauses the collector while it runs: build/run.py): a
    full collection over that cache, in the first request after the build, cost as much
    as the rebuild's own work."""
    try:
        yield
    finally:
        gc.freeze()


def collect_left_behind() -> None:
    """A full cycle collection, the kept cache included. Frozen after every rebuild, the
    builds' survivors are never collected, and the cycles among them that a later build
    let go (a replaced memo's entries) would stay for the server's life; once the edits
    stop for a while (build_loop), they are freed, and what remains is frozen again."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


# -- one build, as the preview sees it ------------------------------------------------------------
class Previewer:
    """Builds the preview and turns each outcome into the BuildState the tabs get."""

    def __init__(
        self,
        config: Config,
        options: ServeOptions,
        output: Path,
        servers: SiteServers,
        echo: Echo,
    ):
        self.config = config  # the last configuration that loaded
        self.options = options
        self.output = output
        self.servers = servers
        self.echo = echo
        self.ports = assign_ports(config.site_names, {}, options.port)
        self.session = secrets.token_hex(4)  # a restarted server makes every tab reload
        self.builds = 0
        # An edit's build leaves the search indexes it changed for a build of their own
        # right after (complete_search), so the edit is shown at once.
        self.search_pending = False
        self.state = BuildState(output="")
        # Each content file's sites in the last good build: whose a problem the content
        # readers find in it is (they run before routing knows).
        self.homes: dict[str, frozenset[str]] = {}
        # Kept in memory between rebuilds: an edit re-reads one file, not the cache.
        self.cache = open_cache(config, keep=True)

    def close(self) -> None:
        """Keep what a later real build can use (sources, Markdown), not the preview's
        own pages and audit, which are keyed by a temporary folder."""
        self.cache.close(preview=True)

    @property
    def preview(self) -> Config:
        return preview_config(self.config, self.output, self.ports, url_host(self.options.bind))

    def urls(self) -> dict[str, str]:
        return {site.name: site.base_url for site in self.preview.sites}

    def rebuild(self, changed: set[Path], progress: Progress | None = None) -> BuildState:
        """Build once; a failure keeps the last good output and reports its problems."""
        self.state = self._build(changed, progress)
        return self.state

    def _build(self, changed: set[Path], progress: Progress | None) -> BuildState:
        try:
            self._reload_config()  # each time: a broken one stays an error until fixed
            with _frozen_after():
                result = build(
                    self.preview,
                    BuildOptions(drafts=self.options.drafts, future=self.options.future),
                    progress=progress,
                    cache=self.cache,
                    atomic=False,  # requests wait while a build runs: no second tree needed
                    search_later=bool(self.state.output),  # the first build makes them
                )
            self.search_pending = result.search_pending
        except SplitblogError as error:
            return self._failed(error.problems, problem_sites(error))
        except OSError as error:  # a full disk: shown like any problem, and kept serving
            problem = file_system_problem(error)
            if problem is None:
                traceback.print_exc()
                problem = Problem(f"internal error: {error!r}", hint="please report it")
            return self._failed([problem])
        except Exception as error:  # a bug, not the user's mistake: keep serving
            traceback.print_exc()
            return self._failed([Problem(f"internal error: {error!r}", hint="please report it")])
        return self._succeeded(changed, result)

    def complete_search(self) -> BuildState | None:
        """Make the search indexes the last build left for later: a build of their own,
        the pages as they are. The tabs are not reloaded for it (nothing a page shows
        changed); a failure is shown like any other and returned."""
        self.search_pending = False
        try:
            with _frozen_after():
                build(
                    self.preview,
                    BuildOptions(drafts=self.options.drafts, future=self.options.future),
                    cache=self.cache,
                    atomic=False,
                    fresh=True,  # the last build's pages are current: no no-op shortcut
                )
        except SplitblogError as error:
            return self._failed(error.problems, problem_sites(error))
        except OSError as error:
            problem = file_system_problem(error) or Problem(f"internal error: {error!r}")
            return self._failed([problem])
        return None

    def _succeeded(self, changed: set[Path], result: BuildResult) -> BuildState:
        previous = self.state
        if result.routing is not None:
            homes: dict[str, set[str]] = {}
            for name, plan in result.routing.plans.items():
                for entry in plan.entries:
                    homes.setdefault(entry.source.rel, set()).add(name)
            self.homes = {rel: frozenset(names) for rel, names in homes.items()}
        if result.up_to_date:  # nothing the build reads had changed: same output
            if not previous.ok:
                self.echo("Fixed; the output is as it was.")
            return replace(previous, ok=True, problems=(), owners=())
        # Any build that ran counts as new output: the writer's counts are relative to
        # its spare tree, not to what the tabs show, so they cannot tell "unchanged".
        self.builds += 1
        self._report(changed, result, previous)
        return BuildState(
            output=f"{self.session}.{self.builds}",
            css_only=bool(changed) and all(p.suffix == ".css" for p in changed),
            previous=previous.output,
        )

    def _report(self, changed: set[Path], result: BuildResult, previous: BuildState) -> None:
        if not previous.output:
            files = ", ".join(f"{r.name}: {r.files} files" for r in result.sites)
            self.echo(f"Built in {result.seconds:.2f} s ({files}).")
            return
        fixed = "" if previous.ok else "Fixed. "
        self.echo(f"{fixed}{_describe(changed, self.config)}rebuilt in {result.seconds:.2f} s.")

    def _reload_config(self) -> None:
        """Read the configuration again (it takes a millisecond); when it changed, serve
        the sites it names now, each keeping its port."""
        config = load_config(self.config.path)
        if config == self.config:
            return
        ports = assign_ports(config.site_names, self.ports, self.options.port)
        problems = self.servers.ensure(ports)
        if problems:
            raise SplitblogError(problems)
        self.config, self.ports = config, ports
        self.echo(f"{config.path.name} reloaded.")
        self.print_urls()

    def _failed(
        self, problems: Sequence[Problem], sites: Mapping[Problem, frozenset[str]] | None = None
    ) -> BuildState:
        count = len(problems)
        self.echo(
            f"Build failed ({count} problem{'s' * (count != 1)}); "
            "still serving the last good build:",
            err=True,
        )
        for problem in problems:
            self.echo(f"  {problem}", err=True)
        owners = tuple(self._owners(p, sites or {}) for p in problems)
        return replace(
            self.state, ok=False, problems=tuple(problems), owners=owners, css_only=False
        )

    def _owners(self, problem: Problem, sites: Mapping[Problem, frozenset[str]]) -> frozenset[str]:
        """The sites whose tabs may see `problem` (the terminal sees every one)."""
        if problem in sites:  # the build knows: a site's links, pages, audit
            return sites[problem]
        if problem.path in self.homes:  # a content file, by the sites it was last on
            return self.homes[problem.path]
        if problem.path == self.config.path.name:  # the configuration
            parts = (problem.key or "").split(".")
            if parts[0] == "sites" and len(parts) > 1:
                return frozenset({parts[1]}) & frozenset(self.config.site_names)
            return frozenset(self.config.site_names)  # its top: every site's
        return frozenset()  # no site known: each tab says only that something failed

    def print_urls(self) -> None:
        for name, url in self.urls().items():
            self.echo(f"{name} → {url}")


def _describe(changed: set[Path], config: Config) -> str:
    if not changed:
        return ""
    shown = sorted(p for p in changed if p.exists()) or sorted(changed)  # not editors' temps
    first = config.rel(shown[0])
    more = f" and {len(changed) - 1} more" if len(changed) > 1 else ""
    return f"{first}{more} changed: "


# -- the loop and the server's life ------------------------------------------------------------
SEARCH_SETTLE = 2.0  # seconds without an edit before the search indexes are made again
IDLE_COLLECT = 5.0  # seconds without an edit before what the builds left is collected


def build_loop(
    changes: Changes, gate: BuildGate, hub: Hub, previewer: Previewer, watcher: Watcher
) -> None:
    """Wait for changes to settle, build with the gate shut, tell the tabs; repeat."""
    while (batch := changes.next_batch()) is not None:
        with gate.building():
            hub.publish(previewer.rebuild(batch))
        # The edit is shown; once the edits stop for a moment, the search indexes they
        # changed. The gate stays open: pages are as they were, and each of the index's
        # files appears whole (the writer renames it into place).
        if previewer.search_pending and changes.quiet_for(SEARCH_SETTLE):
            failed = previewer.complete_search()
            if failed is not None:
                previewer.state = failed
                hub.publish(failed)
        for folder in watcher.follow(watch_plan(previewer.config)):
            changes.add(folder)  # one more (usually no-op) build catches what came before
        if changes.quiet_for(IDLE_COLLECT):  # never while edits come: a pause for requests
            collect_left_behind()


def serve(config_path: Path, options: ServeOptions, echo: Echo) -> None:
    """Run the preview until Ctrl-C or SIGTERM; then stop cleanly and remove its files."""
    config = load_config(config_path)
    output = Path(tempfile.mkdtemp(prefix="splitblog-serve-")).resolve()
    with _signals_stop(), contextlib.ExitStack() as cleanup:
        cleanup.callback(shutil.rmtree, output, ignore_errors=True)
        try:
            _run(config, options, output, echo, cleanup)
        except (KeyboardInterrupt, Stopped):
            _ignore_signals()  # the cleanup below must not be interrupted half way
            echo("\nStopping…")
    echo("Stopped; the preview folder is removed.")


def _run(
    config: Config, options: ServeOptions, output: Path, echo: Echo, cleanup: contextlib.ExitStack
) -> None:
    gate, hub, changes = BuildGate(), Hub(BuildState(output="")), Changes()
    servers = SiteServers(options.bind, output, gate, hub)
    cleanup.callback(servers.close)
    previewer = Previewer(config, options, output, servers, echo)
    cleanup.callback(previewer.close)
    problems = servers.ensure(previewer.ports)
    if problems:
        raise SplitblogError(problems)
    cleanup.callback(_remove_spares, previewer, output)
    watcher = Watcher(changes, watch_plan(config))
    watcher.start()  # before the first build: an edit made while it runs is not lost
    cleanup.callback(watcher.stop)
    echo(f"Preview folder: {output} (removed on exit)")
    with progress_bar() as progress:
        hub.publish(previewer.rebuild(set(), progress))
    servers.start()
    cleanup.callback(hub.close)  # ends the event streams before the servers close
    previewer.print_urls()
    echo("Watching for changes; press Ctrl-C to stop.")
    if options.open_browser:
        _open_browser(next(iter(previewer.urls().values())), echo)
    done = _start_loop(cleanup, changes, gate, hub, previewer, watcher)
    done.wait()  # until Ctrl-C or SIGTERM: the loop ends by itself only on a bug
    raise SplitblogError(
        Problem("the build loop stopped unexpectedly", hint="see the error above; please report it")
    )


def _start_loop(
    cleanup: contextlib.ExitStack,
    changes: Changes,
    gate: BuildGate,
    hub: Hub,
    previewer: Previewer,
    watcher: Watcher,
) -> threading.Event:
    """The build loop on its own thread, and an Event set when it ends.

    The main thread waits on the Event, not on Thread.join: on Python 3.11 a join that
    Ctrl-C interrupts marks the still running thread as stopped (gh-90882), and the
    cleanup's join would then not wait for the build in progress. The cleanup is
    registered before the thread starts, so a signal arriving during `start()` cannot
    leave a loop waiting for changes that will never come.
    """
    done = threading.Event()

    def run() -> None:
        try:
            build_loop(changes, gate, hub, previewer, watcher)
        finally:
            done.set()

    def wait_for_build_in_progress() -> None:
        if thread.ident is not None:  # it ran: it ends now that changes are closed
            done.wait()

    thread = threading.Thread(target=run, name="build-loop", daemon=True)
    cleanup.callback(wait_for_build_in_progress)  # before the folder it writes goes
    cleanup.callback(changes.close)
    thread.start()
    return done


def _remove_spares(previewer: Previewer, output: Path) -> None:
    """The writer keeps spare trees in .splitblog/ when it shares the output's file
    system: the preview's are of no use once its output is gone."""
    spares = spare_root(previewer.preview)
    if not spares.is_relative_to(output):
        shutil.rmtree(spares, ignore_errors=True)


def _open_browser(url: str, echo: Echo) -> None:
    """Only where a graphical browser can open: without a display, webbrowser falls back
    to a text browser that would take over this terminal."""
    graphical = sys.platform in ("darwin", "win32") or any(
        os.environ.get(v) for v in ("DISPLAY", "WAYLAND_DISPLAY")
    )
    if graphical:
        webbrowser.open(url)
    else:
        echo("(No display found: open the address above in a browser.)")


@contextlib.contextmanager
def _signals_stop() -> Iterator[None]:
    """SIGTERM stops the server as Ctrl-C does; the previous handlers come back after."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _raise_stopped)
    try:
        yield
    finally:
        for number, handler in saved.items():
            signal.signal(number, handler)


def _raise_stopped(signum: int, frame: FrameType | None) -> None:
    raise Stopped


def _ignore_signals() -> None:
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
