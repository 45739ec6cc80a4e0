"""The `splitblog` command: parse options, call the stages, map errors to exit codes.

Exit status: 0 success, 1 a content/configuration/policy/audit error (every problem
printed, one per line), 2 a usage error (click's own).
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import click

from splitblog import __version__
from splitblog.config import Config, find_config, load_config
from splitblog.errors import (
    DeployError,
    OutputError,
    Problem,
    SplitblogError,
    file_system_problem,
)
from splitblog.model import BuildOptions


def _fail(error: SplitblogError, writes: bool = True) -> None:
    for problem in error.problems:
        click.echo(str(problem), err=True)
    if not isinstance(error, DeployError):  # a deploy's failure is its one line
        count = len(error.problems)
        # A command that never writes says only what it found (not "nothing was written",
        # which would suggest that it could have).
        tail = "; nothing was written." if writes else "."
        click.echo(f"{count} problem{'s' * (count != 1)} found{tail}", err=True)
    sys.exit(error.exit_code)


def warn(warnings: Iterable[Problem]) -> None:
    """Warnings: printed like problems, on stderr, and the exit status stays 0."""
    for problem in warnings:
        click.echo(f"warning: {problem}", err=True)


def reports_errors(command: Callable[..., Any] | None = None, *, writes: bool = True) -> Any:
    """Print a SplitblogError's problems (never a traceback) and exit with its code."""
    if command is None:
        return functools.partial(reports_errors, writes=writes)

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except SplitblogError as error:
            _fail(error, writes)
        except OSError as error:  # a full disk, a read-only folder: one line, no traceback
            problem = file_system_problem(error)
            if problem is None:
                raise
            _fail(OutputError(problem), writes)
        except KeyboardInterrupt:
            click.echo(
                "Interrupted. Every site folder holds a complete build: the previous one "
                "(or this one, for a site already swapped in).",
                err=True,
            )
            sys.exit(130)

    return wrapper


def config_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "-c",
        "--config",
        "config_path",
        type=click.Path(dir_okay=False, path_type=Path),
        help="The configuration file (default: splitblog.toml here or in a folder above).",
    )(command)


def build_options(command: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(
        [
            click.option(
                "--site",
                "sites",
                multiple=True,
                metavar="NAME",
                help="Only this site (repeat for several). Others stay as they were.",
            ),
            click.option("--drafts", is_flag=True, help="Include posts marked draft: true."),
            click.option("--future", is_flag=True, help="Include posts dated in the future."),
            config_option,
            click.option(
                "-o",
                "--output",
                type=click.Path(file_okay=False, path_type=Path),
                help="Output folder (default: output in the configuration).",
            ),
        ]
    ):
        command = option(command)
    return command


def load(config_path: Path | None, output: Path | None = None) -> Config:
    path = config_path or find_config(Path.cwd())
    return load_config(path, output.resolve() if output else None)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="splitblog")
def cli() -> None:
    """One folder of Markdown, several separate sites — and nothing leaks between them."""


@cli.command()
@build_options
@click.option("--timings", is_flag=True, help="Print the seconds each stage took.")
@click.option(
    "--force",
    is_flag=True,
    help="Replace site folders that hold files splitblog did not write (they are deleted).",
)
@reports_errors
def build(
    sites: tuple[str, ...],
    drafts: bool,
    future: bool,
    config_path: Path | None,
    output: Path | None,
    timings: bool,
    force: bool,
) -> None:
    """Build the sites into OUTPUT/<site>/.

    A site folder that holds files splitblog did not write is refused (they would be
    deleted) until you move them, or pass --force.
    """
    from splitblog.build import build as run_build
    from splitblog.terminal.progress import print_reports, progress_bar

    config = load(config_path, output)
    options = BuildOptions(sites=sites, drafts=drafts, future=future)
    with progress_bar() as progress:
        result = run_build(config, options, progress=progress, force=force)
    if result.up_to_date:
        click.echo(
            f"Nothing changed; {config.rel(config.output_dir)}/ is up to date "
            f"({result.seconds:.2f} s)."
        )
        return
    print_reports(config, result)
    warn(result.warnings)
    if timings:
        click.echo("  ".join(f"{stage} {seconds:.2f}s" for stage, seconds in result.timings))


@cli.command()
@click.option("--site", "sites", multiple=True, metavar="NAME", help="Only this site.")
@click.option("--drafts", is_flag=True, help="Include drafts.")
@click.option("--future", is_flag=True, help="Include posts dated in the future.")
@click.option("--quick", is_flag=True, help="Skip the independence proof.")
@config_option
@reports_errors
def check(
    sites: tuple[str, ...], drafts: bool, future: bool, quick: bool, config_path: Path | None
) -> None:
    """Everything a build checks (front matter, links, policies, audit), then each site's
    independence proof (unless --quick); writes nothing to the output."""
    from splitblog.prove import check as run_check
    from splitblog.terminal.progress import progress_bar

    config = load(config_path)
    options = BuildOptions(sites=sites, drafts=drafts, future=future)
    with progress_bar() as progress:
        result, proofs = run_check(config, options, quick=quick, progress=progress)
    assert result.routing is not None
    warn(result.warnings)
    counts = ", ".join(
        f"{name}: {len(plan.posts)} posts, {len(plan.pages)} pages"
        for name, plan in result.routing.plans.items()
        if not sites or name in sites
    )
    click.echo(f"No problems found ({counts}).")
    if proofs:
        proven = ", ".join(f"{p.site} ({p.files} files)" for p in proofs)
        click.echo(f"Independence proven: {proven}.")
    else:
        click.echo("Independence not proven (--quick).")


def listing_options(command: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(
        [
            click.option("--drafts", is_flag=True, help="As a build with --drafts would."),
            click.option("--future", is_flag=True, help="As a build with --future would."),
            config_option,
        ]
    ):
        command = option(command)
    return command


@cli.command("list")
@listing_options
@reports_errors(writes=False)
def list_(drafts: bool, future: bool, config_path: Path | None) -> None:
    """Every post and page against every site: its address there, or why not.

    A cell is the page's address on that site, or the reason it is not there: draft,
    future, expired, no audience (the file names none), audience (the site is not in its
    audience) or only-block empty (all of its text is in ::: only blocks for other
    sites). Writes nothing.
    """
    from splitblog.errors import ContentError
    from splitblog.listing import listing
    from splitblog.terminal.tables import print_listing

    result = listing(load(config_path), BuildOptions(drafts=drafts, future=future))
    print_listing(result)
    if result.problems:
        raise ContentError(result.problems)


@cli.command()
@click.argument("path")
@listing_options
@reports_errors(writes=False)
def explain(path: str, drafts: bool, future: bool, config_path: Path | None) -> None:
    """How each site publishes one post or page (PATH: its .md file or bundle folder).

    The sites that publish it and its address on each, its per-site overrides, each
    link to another post and what each site's policy makes of it (local, allow → URL,
    strip, deny), and the files of its bundle each site copies — with or without their
    metadata. Writes nothing.
    """
    from splitblog.listing import explain as run_explain
    from splitblog.terminal.tables import print_explanation

    config = load(config_path)
    print_explanation(run_explain(config, BuildOptions(drafts=drafts, future=future), path))


@cli.command()
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=8000,
    show_default=True,
    help="Port of the first site in the configuration; the next site gets the next port.",
)
@click.option(
    "--bind",
    default="127.0.0.1",
    show_default=True,
    metavar="ADDRESS",
    help="Address to listen on (0.0.0.0 for every interface, e.g. to preview on a phone).",
)
@click.option("--drafts", is_flag=True, help="Include posts marked draft: true.")
@click.option("--future", is_flag=True, help="Include posts dated in the future.")
@click.option("--no-open", is_flag=True, help="Do not open the first site in a browser.")
@config_option
@reports_errors
def serve(
    port: int, bind: str, drafts: bool, future: bool, no_open: bool, config_path: Path | None
) -> None:
    """Preview every site, each on its own port, rebuilt and reloaded on every change.

    Builds into a temporary folder (never OUTPUT), with each site's address set to its
    preview address so every link stays on the preview. A failed rebuild keeps the last
    good pages and shows its problems in every open tab. Ctrl-C stops it.
    """
    from splitblog.preview.serve import ServeOptions
    from splitblog.preview.serve import serve as run_serve

    options = ServeOptions(
        port=port, bind=bind, drafts=drafts, future=future, open_browser=not no_open
    )
    run_serve(config_path or find_config(Path.cwd()), options, click.echo)


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@reports_errors
def init(directory: Path) -> None:
    """Create a new project in DIRECTORY: configuration, sample posts, both themes."""
    from splitblog.scaffold import create_project

    notes = create_project(directory)
    click.echo(f"Created a splitblog project in {directory}/")
    for note in notes:
        click.echo(note)
    click.echo(f"Next: cd {directory} && splitblog build")


@cli.group()
def new() -> None:
    """Create new content."""


@new.command("post")
@click.argument("title")
@click.option(
    "--audience",
    "-a",
    "audiences",
    multiple=True,
    required=True,
    metavar="NAME",
    help="A site the post is for (repeat for several), or all.",
)
@config_option
@reports_errors
def new_post(title: str, audiences: tuple[str, ...], config_path: Path | None) -> None:
    """Write content/posts/YYYY-MM-DD-<slug>.md with its front matter, as a draft."""
    from splitblog.scaffold import create_post

    config = load(config_path)
    path = create_post(config, title, audiences)
    click.echo(config.rel(path))


@cli.command()
@click.option(
    "--site",
    "sites",
    multiple=True,
    metavar="NAME",
    help="Only this site (repeat for several). Every site is still built and audited.",
)
@click.option("--dry-run", is_flag=True, help="List what would be uploaded and deleted.")
@click.option(
    "--force",
    is_flag=True,
    help="Delete more files than max_deletes allows, and files of a target never deployed to.",
)
@config_option
@reports_errors
def deploy(sites: tuple[str, ...], dry_run: bool, force: bool, config_path: Path | None) -> None:
    """Build and audit, then publish each site to the target in its [sites.NAME.deploy]."""
    from splitblog.deploy.run import deploy as run_deploy
    from splitblog.terminal.deploys import print_result
    from splitblog.terminal.progress import progress_bar

    config = load(config_path)
    try:
        with progress_bar() as progress:
            result = run_deploy(config, sites, dry_run=dry_run, force=force, progress=progress)
    except KeyboardInterrupt:
        click.echo(
            "Interrupted: a target may be half updated; `splitblog deploy` again completes it.",
            err=True,
        )
        sys.exit(130)
    print_result(result)


@cli.command("import")
@click.argument("kind", type=click.Choice(("blogger", "wordpress", "jekyll", "hugo", "feed")))
@click.argument("source")
@click.option(
    "--audience",
    "-a",
    "audiences",
    multiple=True,
    metavar="NAME",
    help="A site the posts are for (repeat for several), or all. Without it the posts get "
    "no audience, and the build refuses them until each is tagged.",
)
@click.option(
    "--download-images", is_flag=True, help="Fetch the posts' remote images into their bundles."
)
@config_option
@reports_errors
def import_(
    kind: str,
    source: str,
    audiences: tuple[str, ...],
    download_images: bool,
    config_path: Path | None,
) -> None:
    """Bring an existing blog's posts into content/: KIND is blogger, wordpress (their
    export file), jekyll (the site's folder), hugo (its content folder) or feed (an RSS
    or Atom file, or its URL).

    Running it again updates what it wrote before and adds nothing twice; a post edited
    since is left alone. Comments, settings and other people's names are never imported.
    """
    from splitblog.importers import run_import
    from splitblog.terminal.imports import print_report

    config = load(config_path)
    report = run_import(config, kind, source, audiences, download_images)
    print_report(report, click.echo)


def main() -> None:
    cli(prog_name="splitblog")
