"""What `splitblog import` prints: the report of what it wrote, left out and needs."""

from __future__ import annotations

from collections.abc import Callable

from splitblog.importers.model import Report

SHOWN = 20  # of each list: the rest is counted


def print_report(report: Report, echo: Callable[[str], None]) -> None:
    counts = report.counts()
    echo(
        f"Imported {counts['imported']}, updated {counts['updated']}, unchanged "
        f"{counts['unchanged']}, skipped {counts['skipped']}; "
        f"{counts['needs attention']} need{'s' * (counts['needs attention'] == 1)} attention."
    )
    _listed("Imported", report.imported, echo)
    _listed("Updated", report.updated, echo)
    if report.skipped:
        echo("Skipped:")
        for what, why in report.skipped[:SHOWN]:
            echo(f"  {what}: {why}")
        _more(len(report.skipped), echo)
    if report.left_out:
        echo(
            "Left out (never imported): " + ", ".join(f"{n} {what}" for what, n in report.left_out)
        )
    if report.attention:
        echo("Needs attention:")
        for where, what in report.attention[: SHOWN * 5]:
            echo(f"  {where}: {what}")
        _more(len(report.attention), echo, SHOWN * 5)
    if report.unassigned and report.default_audience:
        echo(
            f"{report.unassigned} file{'s' * (report.unassigned != 1)} written without an "
            f"audience: until you tag them, they go where default_audience sends them "
            f"({report.default_audience})."
        )
    elif report.unassigned:
        echo(
            f"{report.unassigned} file{'s' * (report.unassigned != 1)} written without an "
            "audience: the build refuses each until you add `audience:` to it (`splitblog "
            "list` shows them as `no audience`), or import again with --audience NAME."
        )


def _listed(title: str, files: list[str], echo: Callable[[str], None]) -> None:
    if not files:
        return
    echo(f"{title}:")
    for name in files[:SHOWN]:
        echo(f"  {name}")
    _more(len(files), echo)


def _more(count: int, echo: Callable[[str], None], shown: int = SHOWN) -> None:
    if count > shown:
        echo(f"  … and {count - shown} more")
