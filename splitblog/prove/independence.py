"""The independence proof: noninterference, the second lock of the separation guarantee.

For each site S, the project is copied with everything S must not depend on replaced by
different values of the same shape (perturb.py says what; knowledge.py what is kept),
S alone is built from the copy — same options, same "now" — and its output is compared
byte for byte with S's output from the real inputs (compare.py). Any difference means
something foreign flowed into S, whatever the path: a template reading a file, a
misparsed block, a count of foreign posts. If S cannot even be built from the copy
where it could from the real inputs, S's success depends on foreign inputs: that is a
finding too.

This sits above the build (it calls it) and below deploy and the CLI, which run it:
`check` after its normal checks (unless --quick), `deploy` before it uploads anything.

What it cannot see, by construction (the token audit stays for some of these):
- a dependence on what is kept: the site's own posts, their bundle files (a photo its
  pages do not use is not perturbed), the other sites' names, a foreign post's
  audience, draft flag, canonical site and other true/false values, the digits of a
  foreign file name (a date prefix), the folders foreign files are in, the addresses
  of posts on sites the policy allows (and of those the site's own text names);
- a dependence the one perturbation happens not to move: the proof tries one set of
  different values (the same at every run, SEED), not every set — a comparison whose
  outcome stays the same (a foreign count still above zero, a sort order unchanged by
  the new dates) passes. Lengths change only for free text and some prose lines;
- text typed by hand into the site's own posts or theme (another persona's name, a
  `forbid` string), and metadata inside its own files: that is the token audit's;
- anything outside the inputs copied (content, themes, static, avatars,
  splitblog.toml): a template reading another file of the project (the sandbox's job).

Only one cache is shared with the perturbed build: the rendered Markdown of S's own
posts, which is keyed by the exact text rendered (a foreign block that leaked into
that text changes the key, so a leak is never served from the cache). Everything else
the perturbed build does afresh, into a folder of its own.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import yaml

from splitblog.build import (
    BuildResult,
    Progress,
    build,
    cache_dir,
    sources_space,
    spare_root,
)
from splitblog.build.output import CACHE_DIR as CACHE_FOLDER
from splitblog.cache import MARKDOWN, MARKDOWN_HTML, Cache
from splitblog.config import Config, load_config
from splitblog.errors import AuditError, ConfigError, Problem, SplitblogError
from splitblog.model import BuildOptions
from splitblog.prove.compare import describe, differences, manifest
from splitblog.prove.perturb import Perturbation, perturb
from splitblog.routing.plan import Routing

SEED = 20261125  # the perturbation is the same at every run: a finding can be reproduced


@dataclass(frozen=True)
class Proof:
    """What the proof did for one site (the site passed)."""

    site: str
    files: int  # output files compared
    perturbation: Perturbation


def check(
    config: Config, options: BuildOptions, *, quick: bool = False, progress: Progress | None = None
) -> tuple[BuildResult, tuple[Proof, ...]]:
    """`splitblog check`: everything a build checks, then (unless `quick`) the proof.

    The check's own build writes nothing, as always; its sites' files (their digests)
    are the originals the proof compares with, so the normal checks and the proof share
    one build, and what it rendered stays in memory for the proof to reuse. The proof's
    copies live in a temporary folder, removed at the end; the project's files are only
    read (not even linked: a build would take a changed ctime for a changed file).
    """
    if quick:
        return build(config, options, write=False, progress=progress), ()
    options = replace(options, now=options.now or datetime.now(UTC))
    selected = tuple(dict.fromkeys(options.sites)) or config.site_names
    existed = cache_dir(config).exists()
    cache = _memory_cache(config)
    try:
        result = build(config, options, write=False, progress=progress, cache=cache)
        assert result.routing is not None
        proofs = prove(config, options, selected, result.outputs, result.routing, cache, progress)
    finally:
        cache.close()
        if not existed:  # a check leaves no trace in a project never built
            shutil.rmtree(cache_dir(config), ignore_errors=True)
    return result, proofs


def prove_output(
    config: Config,
    options: BuildOptions,
    sites: Sequence[str],
    routing: Routing | None,
    progress: Progress | None = None,
) -> tuple[Proof, ...]:
    """`splitblog deploy`: prove the sites as the output folder holds them — what is
    about to be uploaded — also when the build had nothing to do (`routing` None)."""
    if routing is None:
        from splitblog.listing import read_project

        routing = read_project(config, options).routing
    cache = Cache(cache_dir(config) / "cache.sqlite", "", writable=False)
    try:
        trees = {name: config.output_dir / name for name in sites}
        originals = {name: manifest(tree) for name, tree in trees.items()}
        return prove(config, options, sites, originals, routing, cache, progress, trees)
    finally:
        cache.close()


def prove(
    config: Config,
    options: BuildOptions,
    sites: Sequence[str],
    originals: Mapping[str, Mapping[str, str]],
    routing: Routing,
    markdown: Cache,
    progress: Progress | None = None,
    trees: Mapping[str, Path] | None = None,
) -> tuple[Proof, ...]:
    """Prove each site's independence; raise an AuditError naming every difference.

    `originals`: each site's files from the real inputs (path → digest of the bytes);
    `trees`: where those files are on disk, if they are (else, to show what differs,
    the site is built again from the real inputs); `routing`: the real build's;
    `markdown`: a cache holding the rendered Markdown of the real build.
    """
    assert options.now is not None  # both builds of a site must see the same "now"
    report = progress or (lambda what, done, total: None)
    problems: list[Problem] = []
    proofs: list[Proof] = []
    with _scratch(config) as scratch:
        for done, site in enumerate(sites):
            report("independence", done, len(sites))
            where = Where(originals[site], (trees or {}).get(site), scratch)
            found, proof = _prove_site(config, options, site, where, routing, markdown, report)
            problems.extend(found)
            if proof is not None:
                proofs.append(proof)
        report("independence", len(sites), len(sites))
    if problems:
        raise AuditError(problems)
    return tuple(proofs)


@dataclass(frozen=True)
class Where:
    """One site's original files, and where the proof may work."""

    files: Mapping[str, str]  # path → digest
    tree: Path | None  # the files on disk, when they are
    scratch: Path


def _prove_site(
    config: Config,
    options: BuildOptions,
    site: str,
    where: Where,
    routing: Routing,
    markdown: Cache,
    report: Progress,
) -> tuple[list[Problem], Proof | None]:
    folder = Path(tempfile.mkdtemp(prefix=f"{site}-", dir=where.scratch))
    try:
        try:
            perturbation = perturb(config, routing, site, options, folder / "project", SEED)
        except (OSError, ValueError, TypeError, yaml.YAMLError) as exc:  # fail closed
            return [_not_copied(site, exc)], None
        _share_caches(config, perturbation.root, where.scratch)
        output = folder / "public"
        try:
            copy = load_config(perturbation.config_path, output)
        except ConfigError as error:  # the proof's own doing: say so, never pass
            return [_cannot(site, "its configuration", error)], None
        cache = _seeded(markdown, routing, site, copy, perturbation.unchanged)
        try:
            build(
                copy,
                replace(options, sites=(site,)),
                cache=cache,
                progress=lambda what, done, total: report(f"{site}: {what}", done, total),
            )
        except SplitblogError as error:
            return [_cannot(site, "the build", error)], None
        finally:
            cache.close()
        differing = differences(where.files, manifest(output / site))
        if not differing:
            return [], Proof(site, len(where.files), perturbation)
        tree = where.tree or _original_tree(config, options, site, markdown, folder)
        return describe(site, differing, tree, output / site), None
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _original_tree(
    config: Config, options: BuildOptions, site: str, markdown: Cache, folder: Path
) -> Path:
    """The site built from the real inputs into the scratch folder: for `check`, which
    kept only digests, to show the text that differs (when something does)."""
    output = folder / "original"
    original = replace(config, output_dir=output)
    try:
        build(original, replace(options, sites=(site,)), cache=_seeded_all(markdown))
    finally:
        with contextlib.suppress(OSError):
            spares = spare_root(original)
            if spares.is_relative_to(cache_dir(config)):
                shutil.rmtree(spares, ignore_errors=True)
    return output / site


def _share_caches(config: Config, copy: Path, scratch: Path) -> None:
    """The copy uses the project's compiled templates and cleaned files (or, in a project
    never built, those of this run's other copies). Both are keyed by what they are made
    from — Jinja's by the template's file and source text, cleaned files by the digest
    of the original's bytes and the cleaner's version — so the site's unchanged templates
    and photos are not compiled or cleaned again (half the cost of proving a small site;
    most of it for one with many photos), and a changed one is never served stale."""
    (copy / CACHE_FOLDER).mkdir(parents=True, exist_ok=True)
    for name in ("jinja", "images"):
        shared = cache_dir(config) / name
        if not shared.is_dir():
            shared = scratch / name
            shared.mkdir(exist_ok=True)
        with contextlib.suppress(OSError):
            (copy / CACHE_FOLDER / name).symlink_to(shared, target_is_directory=True)


def _not_copied(site: str, exc: Exception) -> Problem:
    return Problem(
        f"independence: the {site} site's independence could not be proven: making the "
        f"perturbed copy of the project failed ({type(exc).__name__}: {exc})",
        hint="this is splitblog's fault, not yours: please report it; "
        "`splitblog check --quick` checks everything else",
    )


def _cannot(site: str, what: str, error: SplitblogError) -> Problem:
    shown = "; ".join(str(p) for p in error.problems[:3])
    more = f" (and {len(error.problems) - 3} more)" if len(error.problems) > 3 else ""
    return Problem(
        f"independence: the {site} site cannot be built when what it must not know "
        f"changes ({what} failed: {shown}{more})",
        hint=f"the {site} site's success depends on other sites' posts or settings: look "
        "for what reads them (a link, a template, a file) — it must not",
    )


def _memory_cache(config: Config) -> Cache:
    """The project's cache, read and never written: what this run adds stays in memory."""
    return Cache(cache_dir(config) / "cache.sqlite", "", writable=False, keep=True)


def _seeded_all(markdown: Cache) -> Cache:
    """A cache in memory alone, holding all the rendered Markdown `markdown` has."""
    seeded = Cache(None, "", keep=True)
    for namespace in (MARKDOWN, MARKDOWN_HTML):
        for key, value in markdown.get_all(namespace).items():
            seeded.put(namespace, key, value)
    seeded.commit()
    return seeded


def _seeded(
    markdown: Cache,
    routing: Routing,
    site: str,
    copy: Config,
    unchanged: frozenset[str],
) -> Cache:
    """A cache in memory alone, for the perturbed build: the rendered Markdown of the
    site's own posts, and the Sources read from its own files that the copy holds
    unchanged. The Markdown is keyed by the exact text rendered (a foreign block that
    leaked into it changes the key); a Source is given the stamp of the copy's file,
    which holds the same bytes. Everything else the perturbed build reads afresh."""
    from splitblog.content.walk import discover
    from splitblog.site.markdown_store import markdown_key

    seeded = Cache(None, "", keep=True)
    keys = [markdown_key(entry) for entry in routing.plans[site].entries]
    for namespace in (MARKDOWN, MARKDOWN_HTML):
        for key, value in markdown.get_many(namespace, keys).items():
            seeded.put(namespace, key, value)
    stamps = {file.key: file.stamp for file in discover(copy)[0] if file.key in unchanged}
    sources = {s.key: s for s in routing.sources}
    space = sources_space(copy)
    for key, stamp in stamps.items():
        seeded.put(space, key, (stamp, sources[key]))  # as build/run.py keeps a Source
    seeded.commit()
    return seeded


@contextlib.contextmanager
def _scratch(config: Config) -> Iterator[Path]:
    """A folder for the proof's copies and outputs, in the system's temporary folder
    (nothing of it in the project), removed at the end."""
    folder = Path(tempfile.mkdtemp(prefix="splitblog-proof-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
