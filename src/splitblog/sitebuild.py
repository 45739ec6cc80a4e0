"""One site's part of a build: its bodies, pages and copied files, its audit, its swap.

Receives that site's plan and nothing of the other sites but the link index.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache as memoize
from pathlib import Path

from . import __version__
from .assets import Copier, FileDigests, copy_all
from .audit import SiteAudit
from .bodies import Body, MarkdownStore, finish
from .cache import Cache
from .errors import Problem
from .links import allowed_sites
from .model import BuildOptions, Config, Entry, SitePlan, Source
from .pages import SitePages, menu_links
from .render import environment
from .routing import LinkIndex, find_collisions
from .theming import static_files, templates_digest, theme_files
from .views import site_view
from .writer import OutputFile, SiteTrees, digest_of

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class SiteReport:
    name: str
    path: Path
    files: int
    written: int
    deleted: int
    unchanged: int


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
            SiteTrees(config.output_dir / self.site.name, spares / self.site.name)
            if spares
            else None
        )

    # -- bodies, pages and files --------------------------------------------------------
    def outputs(self) -> tuple[dict[str, OutputFile], list[Problem]]:
        problems: list[Problem] = []
        bodies = self._bodies(problems)
        if problems:  # pages would show stripped links: stop before rendering
            return {}, problems
        view = site_view(self.site, menu_links(self.plan), allowed_sites(self.site, self.config))
        site_key = hashlib.blake2b(
            repr(
                (__version__, self.site, view, templates_digest(self.config.root, self.site.theme))
            ).encode(),
            digest_size=16,
        ).hexdigest()
        pages = SitePages(
            self.config, self.plan, bodies, view, memoize(self._environment), site_key
        )
        tasks = pages.tasks()
        copies, copy_problems = self._copies(bodies)
        problems.extend(copy_problems)
        claimed = [(t.path, "a page splitblog makes") for t in tasks]
        claimed += [(path, label) for path, (_out, label) in copies.items()]
        problems.extend(find_collisions(self.site.name, claimed))
        if problems:
            return {}, problems
        files = self._render(tasks)
        files.update({path: out for path, (out, _label) in copies.items()})
        return files, problems

    def _bodies(self, problems: list[Problem]) -> dict[str, Body]:
        bodies: dict[str, Body] = {}
        entries = self.plan.entries
        for done, entry in enumerate(entries, 1):
            body, found = finish(
                entry,
                self.store.get(entry),
                self.site,
                self.config,
                self.links,
                self.broken,
                self._file_url,
            )
            bodies[entry.url] = body
            problems.extend(found)
            if done % 500 == 0:
                self.progress(f"{self.site.name}: links", done, len(entries))
        return bodies

    def _file_url(self, entry: Entry, name: str) -> str:
        return self.site.href(entry.url + name)

    def _environment(self):  # type: ignore[no-untyped-def]
        jinja_cache = self.cache_folder / "jinja" if self.cache_folder else None
        if jinja_cache:
            jinja_cache.mkdir(parents=True, exist_ok=True)
        return environment(self.config, self.site, jinja_cache)

    def _render(self, tasks: Sequence) -> dict[str, OutputFile]:  # type: ignore[type-arg]
        previous: dict[str, tuple[str, str]] = self.cache.get("pages", self.cache_key) or {}
        live = self.trees.live_manifest() if self.trees else {}
        files: dict[str, OutputFile] = {}
        keys: dict[str, tuple[str, str]] = {}
        for done, task in enumerate(tasks, 1):
            have = previous.get(task.path)
            if have and have[0] == task.key and live.get(task.path, ("",))[0] == have[1]:
                files[task.path] = OutputFile(have[1])
            else:
                data = task.render()
                files[task.path] = OutputFile(digest_of(data), data=data)
            keys[task.path] = (task.key, files[task.path].digest)
            if done % 200 == 0:
                self.progress(f"{self.site.name}: pages", done, len(tasks))
        self.cache.put("pages", self.cache_key, keys)
        return files

    def _copies(self, bodies: Mapping[str, Body]) -> tuple[dict, list[Problem]]:  # type: ignore[type-arg]
        strip = not self.site.keep_image_metadata
        image_dir = self.cache_folder / "images" if self.cache_folder else None
        copier = Copier(self.digests, image_dir)
        wanted = [
            (path, source, False, self.config.rel(source))
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

    # -- audit ---------------------------------------------------------------------------
    def audit(
        self, sources: Sequence[Source], options: BuildOptions, files: Mapping[str, OutputFile]
    ) -> list[Problem]:
        auditor = SiteAudit(self.config, self.site, sources, options, self._theme_text())
        cached = self.cache.get("audit", self.cache_key) or {}
        known = cached.get("hits", {}) if cached.get("tokens") == auditor.digest else {}
        hits_now: dict[tuple[str, str], list[tuple[int, int]]] = {}
        problems: list[Problem] = []
        for path in sorted(files):
            out = files[path]
            data = out.data
            hits = known.get((path, out.digest))
            if hits is None:
                data = data if data is not None else self._read(path, out)
                hits = auditor.scan(path, data)
            hits_now[(path, out.digest)] = hits
            if hits:
                data = data if data is not None else self._read(path, out)
                problems.extend(auditor.findings(path, hits, data))
        self.cache.put("audit", self.cache_key, {"tokens": auditor.digest, "hits": hits_now})
        return problems

    def _read(self, path: str, out: OutputFile) -> bytes:
        if out.copy_from is not None:
            return out.copy_from.read_bytes()
        assert self.trees is not None  # reused files exist only when writing
        return (self.trees.live / path).read_bytes()

    def _theme_text(self) -> str:
        parts = []
        for path in theme_files(self.config.root, self.site.theme):
            if path.suffix in (".html", ".xml", ".css", ".js", ".txt", ".svg", ".json"):
                parts.append(path.read_text(encoding="utf-8", errors="replace"))
        return "\n".join(parts)

    # -- publishing ------------------------------------------------------------------------
    def publish(self, files: Mapping[str, OutputFile]) -> SiteReport:
        assert self.trees is not None
        report = self.trees.publish(files)
        return SiteReport(
            self.site.name,
            self.trees.live,
            len(files),
            report.written,
            report.deleted,
            report.unchanged,
        )
