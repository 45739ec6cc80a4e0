"""`splitblog deploy`: build and audit every site, then publish the selected ones.

    choose sites and parse targets → build (all sites; any error stops here) →
    per site: check the folder is its output, plan against the target's real state,
    check the target holds no other site → prove each chosen site's independence
    (prove/; also after a no-op build) → refuse too many deletions → apply

Nothing is applied until every selected site has planned and passed its checks, so one
site's problem stops the deploy of all of them before any target changes.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from splitblog.build import BuildResult, build, build_lock, cache_dir
from splitblog.build import Progress as BuildProgress
from splitblog.config import Config, DeployConfig, SiteConfig
from splitblog.deploy.base import Plan, Publisher, local_files
from splitblog.deploy.history import first_deploy_problem, remember
from splitblog.deploy.identity import check_build, check_target
from splitblog.deploy.targets import Publishers, Target, parse_target
from splitblog.deploy.verify import verified
from splitblog.errors import ConfigError, ContentError, DeployError, Problem
from splitblog.model import BuildOptions
from splitblog.prove import prove_output

ADD = 'add [sites.NAME.deploy] with target = "s3://bucket/prefix" (or another)'


@dataclass(frozen=True)
class SiteDeploy:
    site: str
    target: str
    plan: Plan
    max_deletes: int
    refused: bool  # more deletions than max_deletes, without --force
    seconds: float


@dataclass(frozen=True)
class DeployResult:
    sites: tuple[SiteDeploy, ...]
    skipped: tuple[str, ...]  # sites without a deploy table, not named with --site
    build: BuildResult
    dry_run: bool
    seconds: float


def deploy(
    config: Config,
    names: Sequence[str] = (),
    *,
    dry_run: bool = False,
    force: bool = False,
    progress: BuildProgress | None = None,
) -> DeployResult:
    """Build and audit every site, then publish the chosen ones (or, on a dry run,
    only say what that would change)."""
    started = time.perf_counter()
    report = progress or (lambda what, done, total: None)
    chosen, skipped = select(config, names)
    # Never the no-op shortcut: what is published is audited now, whatever the no-op
    # check believes; its manifest is what is published, every file checked against it.
    options = BuildOptions(now=datetime.now(UTC))  # one "now" for the build and the proof
    built = build(config, options, progress=report, fresh=True)
    # Hold the build lock while publishing: no other build may swap a folder mid-upload.
    with build_lock(config), contextlib.ExitStack() as stack:
        publishers = Publishers()
        planned = [_plan(config, site, target, publishers, stack, built) for site, target in chosen]
        firsts = [p.first for p in planned if p.first is not None and not force]
        if firsts:
            raise DeployError(firsts)
        # What is about to be uploaded is proven before anything is; after planning,
        # which says first if a folder is not its site's output.
        prove_output(config, options, [s.name for s, _t in chosen], built.routing, report)
        if dry_run:
            results = tuple(p.result(refused=p.too_many_deletions and not force) for p in planned)
            return DeployResult(results, skipped, built, True, time.perf_counter() - started)
        refusals = [p.refusal() for p in planned if p.too_many_deletions and not force]
        if refusals:
            raise DeployError(refusals)
        for p in planned:
            remember(cache_dir(config), p.site.name, p.target.url)
        done = tuple(_apply(p, report) for p in planned)
    return DeployResult(done, skipped, built, False, time.perf_counter() - started)


@dataclass(frozen=True)
class _Planned:
    """One site, its open publisher and its plan, between planning and applying."""

    site: SiteConfig
    deploy: DeployConfig
    target: Target
    publisher: Publisher
    plan: Plan
    seconds: float  # spent planning
    first: Problem | None  # a first deploy that would delete what was there

    @property
    def too_many_deletions(self) -> bool:
        return len(self.plan.delete) > self.deploy.max_deletes

    def result(self, *, refused: bool = False, applying: float = 0.0) -> SiteDeploy:
        return SiteDeploy(
            self.site.name,
            self.target.url,
            self.plan,
            self.deploy.max_deletes,
            refused,
            self.seconds + applying,
        )

    def refusal(self) -> Problem:
        return Problem(
            f"refusing to delete {len(self.plan.delete)} files from {self.target.url}: more "
            f"than max_deletes = {self.deploy.max_deletes} for the {self.site.name} site",
            hint="check them with --dry-run, then deploy with --force (or raise max_deletes)",
        )


def _plan(
    config: Config,
    site: SiteConfig,
    target: Target,
    publishers: Publishers,
    stack: contextlib.ExitStack[None],
    built: BuildResult,
) -> _Planned:
    """Check that the built folder is this site's and exactly what the build made, see
    what the target holds; plan."""
    began = time.perf_counter()
    assert site.deploy is not None
    folder = config.output_dir / site.name
    where = f"{config.rel(folder)}/"
    if not folder.is_dir():
        raise DeployError(Problem(f"{where} does not exist", hint="run `splitblog build`"))
    problems = check_build(config, site, local_files(folder), where)
    if problems:
        raise DeployError(problems)
    files = verified(folder, built.manifests.get(site.name, {}), where)
    publisher = stack.enter_context(publishers.make(target, site, site.deploy, folder))
    plan = publisher.plan(files)
    sitemap = publisher.fetch("sitemap.xml")
    foreign = check_target(config, site, sitemap, target.url)
    if foreign:
        raise DeployError(foreign)
    first = first_deploy_problem(config, cache_dir(config), site, target.url, plan, sitemap)
    seconds = time.perf_counter() - began
    return _Planned(site, site.deploy, target, publisher, plan, seconds, first)


def _apply(planned: _Planned, report: BuildProgress) -> SiteDeploy:
    began = time.perf_counter()
    what = f"{planned.site.name}: upload"
    planned.publisher.apply(planned.plan, lambda done, total: report(what, done, total))
    return planned.result(applying=time.perf_counter() - began)


def select(
    config: Config, names: Sequence[str]
) -> tuple[list[tuple[SiteConfig, Target]], tuple[str, ...]]:
    """The sites to deploy with their parsed targets, and the sites skipped; every
    configuration problem at once, before anything is built."""
    unknown = [n for n in names if n not in config.site_names]
    if unknown:
        raise ContentError(
            Problem(
                f"no site named {', '.join(map(repr, unknown))}",
                hint=f"use one of: {', '.join(config.site_names)}",
            )
        )
    explicit = tuple(dict.fromkeys(names))
    wanted = explicit or config.site_names
    problems: list[Problem] = []
    targets = _targets(config, wanted, problems)
    for name in explicit:
        if config.site(name).deploy is None:
            problems.append(
                _config_problem(
                    config,
                    name,
                    "deploy",
                    "no deploy table: nowhere to publish this site",
                    ADD.replace("NAME", name),
                )
            )
    problems += _overlaps(config, wanted, targets)
    chosen = [(config.site(n), targets[n]) for n in wanted if n in targets]
    if not chosen and not problems:
        problems.append(
            Problem(
                "no site has a deploy table: nowhere to publish", path=config.path.name, hint=ADD
            )
        )
    if problems:
        raise ConfigError(problems)
    return chosen, tuple(n for n in wanted if config.site(n).deploy is None)


def _targets(config: Config, wanted: Sequence[str], problems: list[Problem]) -> dict[str, Target]:
    """Every site's parsed target (all of them: a chosen site's target must not overlap
    an unchosen one's); problems only for the chosen sites."""
    targets: dict[str, Target] = {}
    for site in config.sites:
        if site.deploy is None:
            continue
        try:
            target = parse_target(site.deploy.target)
        except ValueError as exc:
            if site.name in wanted:
                problems.append(_config_problem(config, site.name, "deploy.target", str(exc)))
            continue
        if target.kind == "s3":  # which store: the same bucket name on two is two places
            endpoint = (
                site.deploy.endpoint_url
                or os.environ.get("AWS_ENDPOINT_URL_S3")
                or os.environ.get("AWS_ENDPOINT_URL")
            )
            target = replace(target, endpoint=endpoint)
        targets[site.name] = target
    return targets


def _overlaps(
    config: Config, wanted: Sequence[str], targets: Mapping[str, Target]
) -> list[Problem]:
    """A target that another site's target, the build output or the project is in."""
    problems = []
    for name in (n for n in wanted if n in targets):
        target = targets[name]
        for other, theirs in targets.items():
            once = other not in wanted or name < other  # two chosen sites: one line
            if other != name and once and target.overlaps(theirs):
                problems.append(
                    _config_problem(
                        config,
                        name,
                        "deploy.target",
                        f"publishes to where sites.{other}.deploy.target does "
                        f"({theirs.url}: one place, or one inside the other)",
                        "give each site its own target: one would overwrite the other",
                    )
                )
        if target.kind == "file" and _holds_project(config, Path(target.address)):
            problems.append(
                _config_problem(
                    config,
                    name,
                    "deploy.target",
                    f"{target.address} is in the build output or holds the project: a deploy "
                    "would overwrite or delete them",
                    "publish to a folder outside the project's output",
                )
            )
    return problems


def _holds_project(config: Config, folder: Path) -> bool:
    output = config.output_dir.resolve()
    return (
        folder.is_relative_to(output)
        or output.is_relative_to(folder)
        or config.root.resolve().is_relative_to(folder)
    )


def _config_problem(
    config: Config, site: str, key: str, message: str, hint: str | None = None
) -> Problem:
    return Problem(message, path=config.path.name, key=f"sites.{site}.{key}", hint=hint)
