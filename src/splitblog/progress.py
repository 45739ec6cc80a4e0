"""What the terminal shows during and after long work (rich)."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from .build import BuildResult
from .build import Progress as ProgressCallback
from .model import Config


@contextlib.contextmanager
def progress_bar() -> Iterator[ProgressCallback]:
    """A progress callback drawing one bar per stage, on a terminal only."""
    console = Console(stderr=True)
    if not console.is_terminal:
        yield lambda what, done, total: None
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        tasks: dict[str, int] = {}

        def update(what: str, done: int, total: int) -> None:
            if what not in tasks:
                tasks[what] = bar.add_task(what, total=total)
            bar.update(tasks[what], completed=done, total=total)

        yield update


def print_reports(config: Config, result: BuildResult) -> None:
    console = Console(file=sys.stdout, highlight=False)
    table = Table(title=None, box=None, pad_edge=False)
    for column in ("site", "folder", "files", "written", "deleted", "unchanged"):
        table.add_column(column, justify="left" if column in ("site", "folder") else "right")
    for report in result.sites:
        table.add_row(
            report.name,
            config.rel(report.path) + "/",
            str(report.files),
            str(report.written),
            str(report.deleted),
            str(report.unchanged),
        )
    console.print(table)
    console.print(
        f"Built {len(result.sites)} site{'s' * (len(result.sites) != 1)} in {result.seconds:.2f} s."
    )
