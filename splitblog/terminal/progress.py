"""What the terminal shows during and after long work.

rich draws the bars and tables on a terminal; when the output goes to a file or a pipe
(CI, scripts) the same facts are printed as plain lines, and rich is not even imported.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator

from splitblog.build import BuildResult
from splitblog.build import Progress as ProgressCallback
from splitblog.config import Config

COLUMNS = ("site", "folder", "files", "written", "deleted", "unchanged")


@contextlib.contextmanager
def progress_bar() -> Iterator[ProgressCallback]:
    """A progress callback drawing one bar per stage, on a terminal only."""
    if not sys.stderr.isatty():
        yield lambda what, done, total: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        tasks: dict[str, int] = {}

        def update(what: str, done: int, total: int) -> None:
            if what not in tasks:
                tasks[what] = bar.add_task(what, total=total)
            bar.update(tasks[what], completed=done, total=total)

        yield update


def print_reports(config: Config, result: BuildResult) -> None:
    rows = [
        (r.name, config.rel(r.path) + "/", str(r.files), str(r.written), str(r.deleted),
         str(r.unchanged))
        for r in result.sites
    ]  # fmt: skip
    count = len(result.sites)
    summary = f"Built {count} site{'s' * (count != 1)} in {result.seconds:.2f} s."
    if not sys.stdout.isatty():
        widths = [max(len(c), *(len(r[i]) for r in rows)) for i, c in enumerate(COLUMNS)]
        for row in (COLUMNS, *rows):
            cells = [
                v.ljust(w) if i < 2 else v.rjust(w)
                for i, (v, w) in enumerate(zip(row, widths, strict=True))
            ]
            print("  ".join(cells).rstrip())
        print(summary)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(box=None, pad_edge=False)
    for column in COLUMNS:
        table.add_column(column, justify="left" if column in ("site", "folder") else "right")
    for row in rows:
        table.add_row(*row)
    console = Console(highlight=False)
    console.print(table)
    console.print(summary)
