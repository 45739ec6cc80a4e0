"""What `splitblog deploy` prints: every file of a dry run, a summary per site."""

from __future__ import annotations

import sys

from rich.console import Console
from rich.table import Table

from .run import DeployResult, SiteDeploy


def print_result(result: DeployResult) -> None:
    console = Console(file=sys.stdout, highlight=False, markup=False, soft_wrap=True)
    for name in result.skipped:
        console.print(f"{name}: no [sites.{name}.deploy] table; not deployed.")
    built = result.build
    if built.up_to_date:
        console.print(f"Build: nothing changed since the last build ({built.seconds:.2f} s).")
    else:
        console.print(f"Build: {len(built.sites)} sites built and audited ({built.seconds:.2f} s).")
    if result.dry_run:
        for site in result.sites:
            _print_plan(console, site)
        console.print("Dry run: no target was changed.")
        return
    table = Table(box=None, pad_edge=False)
    for column in ("site", "target", "uploaded", "deleted", "unchanged", "bytes", "seconds"):
        left = column in ("site", "target")
        table.add_column(column, justify="left" if left else "right", overflow="fold")
    for site in result.sites:
        table.add_row(
            site.site,
            site.target,
            str(len(site.plan.upload)),
            str(len(site.plan.delete)),
            str(site.plan.unchanged),
            size(site.plan.upload_bytes),
            f"{site.seconds:.2f}",
        )
    console.print(table)
    count = len(result.sites)
    console.print(f"Deployed {count} site{'s' * (count != 1)} in {result.seconds:.2f} s.")


def _print_plan(console: Console, site: SiteDeploy) -> None:
    plan = site.plan
    console.print(f"{site.site} → {site.target}")
    for file in plan.upload:
        console.print(f"  upload  {file.path}  ({size(file.size)})")
    for path in plan.delete:
        console.print(f"  delete  {path}")
    console.print(
        f"  {len(plan.upload)} to upload ({size(plan.upload_bytes)}), "
        f"{len(plan.delete)} to delete, {plan.unchanged} unchanged"
    )
    if site.refused:
        console.print(
            f"  a deploy would refuse: {len(plan.delete)} deletions are more than "
            f"max_deletes = {site.max_deletes} (--force allows them)"
        )


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
