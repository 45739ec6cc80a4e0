"""One site's part of a build: its bodies, pages and copied files, its audit, its swap.

Receives that site's plan and nothing of the other sites but the link index. The work
goes in steps so that the build can spread the expensive middle one over every core:

    prepare   bodies (links resolved), the list of pages to make, the files to copy
    start     the audit's tokens, the spare tree opened for writing
    make(i)   render page i, audit its bytes, write it into the spare   ← in parallel
    conclude  audit everything not made (copied and unchanged files)
    publish   swap the spare in as the live site
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache as memoize
from pathlib import Path
from typing import Any

from splitblog import __version__
from splitblog.audit.scan import SiteAudit
from splitblog.cache import Cache
from splitblog.errors import Problem
from splitblog.model import BuildOptions, Config, Entry, SitePlan, Source
from splitblog.routing.links import allowed_sites
from splitblog.routing.plan import LinkIndex, find_collisions
from splitblog.site.bodies import Body, MarkdownStore, finish
from splitblog.site.files import Copier, FileDigests, copy_all
from splitblog.site.pages import PageTask, SitePages, menu_links
from splitblog.site.templates import environment
from splitblog.site.views import site_view
from splitblog.theming import static_files, templates_digest, theme_files
from splitblog.writer import OutputFile, Patch, SiteTrees, digest_of

Progress = Callable[[str, int, int], None]
Hits = list[tuple[int, int]]


@dataclass(frozen=True)
class SiteReport:
    name: str
    path: Path
    files: int
    written: int
    deleted: int
    unchanged: int


@dataclass(frozen=True)
class Made:
    """One page rendered, audited and (when writing) put into the spare tree."""

    path: str
    digest: str
    hits: Hits
    findings: tuple[Problem, ...]
    entry: tuple[tuple[str, int, int], bool] | None  # the spare's manifest entry, written?


class SiteBuild:
    def __init__(
        self,
        config: Config,
        plan: SitePlan,
        links: LinkIndex,
        broken: frozenset[str],
        store: MarkdownStore,
        cache: Cache,
        digests: FileDigests,
        spares: Path | None,
        progress: Progress,
        in_place: bool = False,
    ):
        self.config = config
        self.plan = plan
        self.site = plan.site
        self.links = links
        self.broken = broken
        self.store = store
        self.cache = cache
        self.digests = digests
        self.progress = progress
        # A preview (serve) and a real build of the same site keep separate caches.
        self.cache_key = f"{config.output_dir}|{self.site.name}"
        self.cache_folder = config.root / ".splitblog" if spares is not None else None
        self.trees = (
            SiteTrees(
                config.output_dir / self.site.name,
                spares / self.site.name,
                in_place,
                cache.memo(f"trees|{self.cache_key}"),
            )
            if spares
            else None
        )
        self.tasks: list[PageTask] = []
        self.copies: dict[str, tuple[OutputFile, str]] = {}
        self.pending: list[int] = []  # tasks to render (the others are unchanged)
        self.files: dict[str, OutputFile] = {}
        self.keys: dict[str, tuple[str, str]] = {}  # page path → (cache key, digest)
        self.auditor: SiteAudit | None = None
        self.patch: Patch | None = None
        self._made: dict[str, Made] = {}

    # -- prepare: bodies, the pages to make, the files to copy ---------------------------
    def prepare(self) -> list[Problem]:
        problems: list[Problem] = []
        bodies = self._bodies(problems)
        if problems:  # pages would show stripped links: stop before rendering
            return problems
        view = site_view(self.site, menu_links(self.plan), allowed_sites(self.site, self.config))
        digest = templates_digest(self.config.root, self.site.theme)
        site_key = hashlib.blake2b(
            repr((__version__, self.site, view, digest)).encode(), digest_size=16
        ).hexdigest()
        self.pages = SitePages(
            self.config, self.plan, bodies, view, memoize(self._environment), site_key
        )
        self.tasks = self.pages.tasks()
        self.task_keys = {task.path: task.key for task in self.tasks}
        self.copies, copy_problems = self._copies(bodies)
        problems.extend(copy_problems)
        # Routing has checked the entries' paths against each other, naming both files;
        # here each path is claimed once, by its file where it has one, so a collision
        # is not reported a second time without a file.
        owners = {e.output_path: e.source.rel for e in self.plan.entries}
        paths = dict.fromkeys(t.path for t in self.tasks)
        claimed = [(p, owners.get(p, "a page splitblog makes")) for p in paths]
        claimed += [(path, label) for path, (_out, label) in self.copies.items()]
        problems.extend(find_collisions(self.site.name, claimed))
        return problems

    def _bodies(self, problems: list[Problem]) -> dict[str, Body]:
        bodies: dict[str, Body] = {}
        for entry in self.plan.entries:
            body, found = finish(
                entry,
                self.store.get(entry),
                self.site,
                self.config,
                self.links,
                self.broken,
                self._file_url,
                functools.partial(self.store.html, entry),
            )
            bodies[entry.url] = body
            problems.extend(found)
        return bodies

    def _file_url(self, entry: Entry, name: str) -> str:
        return self.site.href(entry.url + name)

    def _environment(self):  # type: ignore[no-untyped-def]
        jinja_cache = self.cache_folder / "jinja" if self.cache_folder else None
        if jinja_cache:
            jinja_cache.mkdir(parents=True, exist_ok=True)
        return environment(self.config, self.site, jinja_cache)

    def _copies(self, bodies: Mapping[str, Body]) -> tuple[dict, list[Problem]]:  # type: ignore[type-arg]
        strip = not self.site.keep_image_metadata
        image_dir = self.cache_folder / "images" if self.cache_folder else None
        copier = Copier(self.digests, image_dir)
        wanted = [
            (path, source, strip, self.config.rel(source))
            for path, source in static_files(self.config.root, self.site.theme).items()
        ]
        avatar = self.site.author.avatar
        if avatar:
            wanted.append(
                (
                    self.site.author.avatar_name,
                    self.config.root / avatar,
                    strip,
                    f"sites.{self.site.name}.author.avatar",
                )
            )
        for body in bodies.values():
            source = body.entry.source
            for name in body.files:
                file = self.config.content_dir / source.bundle / name  # type: ignore[operator]
                wanted.append((body.entry.url + name, file, strip, self.config.rel(file)))
        return copy_all(copier, wanted)

    # -- start: what must be rendered, the audit, the spare ---------------------------------
    def start(self, sources: Sequence[Source], options: BuildOptions) -> None:
        """Decide which pages need rendering and get ready to audit and write them.

        Runs in the parent before any worker is forked, so the workers inherit the
        compiled templates, the site-wide fragments and the audit's search automaton.
        """
        self.auditor = SiteAudit(
            self.config,
            self.site,
            sources,
            options,
            self._theme_text(),
            self.cache.memo(f"audit|{self.cache_key}"),
        )
        previous: dict[str, tuple[str, str]] = self.cache.get("pages", self.cache_key) or {}
        live = self.trees.live_manifest() if self.trees else {}
        for index, task in enumerate(self.tasks):
            have = previous.get(task.path)
            if have and have[0] == task.key and live.get(task.path, ("",))[0] == have[1]:
                self.files[task.path] = OutputFile(have[1])  # as the live tree holds it
                self.keys[task.path] = have
            else:
                self.pending.append(index)
        self.files.update({path: out for path, (out, _label) in self.copies.items()})
        if self.pending:
            _ = self.pages.chrome  # render the site-wide fragments once, before forking
        if self.trees is not None:
            self.patch = self.trees.begin()

    def make(self, index: int) -> Made:
        """Render one page, audit its bytes, write it into the spare (when writing)."""
        task = self.tasks[index]
        data = task.render()
        digest = digest_of(data)
        assert self.auditor is not None
        hits = self.auditor.scan(task.path, data)
        findings = tuple(self.auditor.findings(task.path, hits, data)) if hits else ()
        entry = None
        if self.patch is not None and not findings:
            entry = self.patch.put(task.path, OutputFile(digest, data=data))
        return Made(task.path, digest, hits, findings, entry)

    # -- conclude: the audit of everything else ---------------------------------------------
    def conclude(self, made: Sequence[Made]) -> list[Problem]:
        assert self.auditor is not None
        problems: list[Problem] = []
        audit_cache: dict[str, Any] = self.cache.get("audit", self.cache_key) or {}
        known = (
            audit_cache.get("hits", {}) if audit_cache.get("tokens") == self.auditor.digest else {}
        )
        hits_now: dict[tuple[str, str], Hits] = {}
        for result in made:
            self.files[result.path] = OutputFile(result.digest)  # in the spare already
            self._made[result.path] = result
            self.keys[result.path] = (self.task_keys[result.path], result.digest)
            hits_now[(result.path, result.digest)] = result.hits
            problems.extend(result.findings)
        for path in sorted(self.files.keys() - self._made.keys()):
            out = self.files[path]
            hits = known.get((path, out.digest))
            data = None
            if hits is None:
                data = self._read(path, out)
                hits = self.auditor.scan(path, data)
            hits_now[(path, out.digest)] = hits
            if hits:  # judged again (the own text may have changed); read only if needed
                source = data if data is not None else functools.partial(self._read, path, out)
                problems.extend(self.auditor.findings(path, hits, source))
        self.cache.put("audit", self.cache_key, {"tokens": self.auditor.digest, "hits": hits_now})
        self.cache.put("pages", self.cache_key, self.keys)
        return problems

    def _read(self, path: str, out: OutputFile) -> bytes:
        if out.data is not None:
            return out.data
        if out.copy_from is not None:
            return out.copy_from.read_bytes()
        assert self.trees is not None  # unchanged pages exist only when writing
        return (self.trees.live / path).read_bytes()

    def _theme_text(self) -> str:
        parts = []
        for path in theme_files(self.config.root, self.site.theme):
            if path.suffix in (".html", ".xml", ".css", ".js", ".txt", ".svg", ".json"):
                parts.append(path.read_text(encoding="utf-8", errors="replace"))
        return "\n".join(parts)

    # -- publishing ------------------------------------------------------------------------
    def publish(self) -> SiteReport:
        assert self.trees is not None and self.patch is not None
        done = {path: made.entry for path, made in self._made.items() if made.entry is not None}
        report = self.patch.finish(self.files, done)
        return SiteReport(
            self.site.name,
            self.trees.live,
            len(self.files),
            report.written,
            report.deleted,
            report.unchanged,
        )
