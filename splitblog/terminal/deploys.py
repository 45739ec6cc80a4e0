"""What `splitblog deploy` prints: every file of a dry run, a summary per site.

Plain aligned text rather than a rich table: a target URL is never cut short or folded,
and the lines are easy to grep in a CI log.
"""

from __future__ import annotations

from collections.abc import Sequence

import click

from splitblog.deploy.run import DeployResult, SiteDeploy

HEADER = ("site", "uploaded", "deleted", "unchanged", "bytes", "seconds", "target")


def print_result(result: DeployResult) -> None:
    for name in result.skipped:
        click.echo(f"{name}: no [sites.{name}.deploy] table; not deployed.")
    built = result.build
    if built.up_to_date or built.was_current:
        click.echo(
            f"Build: nothing changed since the last build; audited again ({built.seconds:.2f} s)."
        )
    else:
        click.echo(f"Build: {len(built.sites)} sites built and audited ({built.seconds:.2f} s).")
    if result.dry_run:
        for site in result.sites:
            _print_plan(site)
        click.echo("Dry run: no target was changed.")
        return
    rows = [HEADER] + [
        (
            site.site,
            str(len(site.plan.upload)),
            str(len(site.plan.delete)),
            str(site.plan.unchanged),
            size(site.plan.upload_bytes),
            f"{site.seconds:.2f}",
            site.target,
        )
        for site in result.sites
    ]
    for line in columns(rows):
        click.echo(line)
    count = len(result.sites)
    click.echo(f"Deployed {count} site{'s' * (count != 1)} in {result.seconds:.2f} s.")


def _print_plan(site: SiteDeploy) -> None:
    plan = site.plan
    click.echo(f"{site.site} → {site.target}")
    for file in plan.upload:
        click.echo(f"  upload  {file.path}  ({size(file.size)})")
    for path in plan.delete:
        click.echo(f"  delete  {path}")
    click.echo(
        f"  {len(plan.upload)} to upload ({size(plan.upload_bytes)}), "
        f"{len(plan.delete)} to delete, {plan.unchanged} unchanged"
    )
    if site.refused:
        click.echo(
            f"  a deploy would refuse: {len(plan.delete)} deletions are more than "
            f"max_deletes = {site.max_deletes} (--force allows them)"
        )


def columns(rows: Sequence[Sequence[str]]) -> list[str]:
    """The first column left-aligned, the numbers right-aligned, the last as it is."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    lines = []
    for row in rows:
        cells = [row[0].ljust(widths[0])]
        cells += [cell.rjust(width) for cell, width in zip(row[1:-1], widths[1:], strict=True)]
        lines.append("  ".join([*cells, row[-1]]))
    return lines


def size(count: int) -> str:
    """1234567 → "1.2 MB" (decimal units, as transfer sizes are usually shown)."""
    if count < 1000:
        return f"{count} B"
    value = count / 1000
    for unit in ("kB", "MB"):
        if value < 1000:
            return f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} GB"
