"""How `splitblog list` and `splitblog explain` look in a terminal (rich).

Every text from the user's files is passed as rich Text, never as markup, so a title
such as "[bold] claims" prints as written. Piped output is not wrapped: one line per
row, for grep.
"""

from __future__ import annotations

import sys
from datetime import time

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from splitblog.listing import HIDDEN, NOT_HERE, Explanation, Listing

STYLE = {
    "local": "green",
    "allow": "cyan",
    "strip": "yellow",
    "deny": "bold red",
    "error": "bold red",
    NOT_HERE: "dim",
    HIDDEN: "dim",
}


def console() -> Console:
    out = Console(file=sys.stdout, highlight=False)
    if not out.is_terminal:
        out = Console(file=sys.stdout, highlight=False, width=10_000, soft_wrap=True)
    return out


def print_listing(listing: Listing) -> None:
    out = console()
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    table.add_column("file", no_wrap=True)
    table.add_column("title")
    for site in listing.sites:
        table.add_column(site, no_wrap=True)
    for row in listing.rows:
        cells = [
            Text(cell.url, style="green") if cell.url else Text(f"— {cell.reason}", style="dim")
            for cell in row.cells
        ]
        table.add_row(Text(row.rel), Text(row.title), *cells)
    out.print(table)
    posts = sum(r.kind == "post" for r in listing.rows)
    counts = [_count(posts, len(listing.rows) - posts)]
    for index, site in enumerate(listing.sites):
        shown = [r for r in listing.rows if r.cells[index].url]
        on = sum(r.kind == "post" for r in shown)
        counts.append(f"{site}: {_count(on, len(shown) - on)}")
    out.print(Text("; ".join(counts)))


def _count(posts: int, pages: int) -> str:
    return f"{posts} post{'s' * (posts != 1)}, {pages} page{'s' * (pages != 1)}"


def print_explanation(explanation: Explanation) -> None:
    out = console()
    source = explanation.source
    audience = ", ".join(sorted(source.audience)) or "none"
    facts = [source.kind, f'"{source.title}"']
    if source.date:
        midnight = source.date.timetz().replace(tzinfo=None) == time()
        facts.append(f"dated {source.date.date() if midnight else source.date.isoformat()}")
    facts.append(f"audience: {audience}")
    if source.draft:
        facts.append("draft")
    out.print(Text(source.rel, style="bold"))
    out.print(Text("  " + ", ".join(facts)))

    out.print(Text("\nSites", style="bold"))
    width = max(len(p.site) for p in explanation.placements)
    for place in explanation.placements:
        line = Text(f"  {place.site:<{width}}  ")
        if place.url:
            line.append(place.url, style="green")
            if place.title != source.title:
                line.append(f'  (as "{place.title}")')
        else:
            line.append(f"not published: {place.reason}", style="dim")
        out.print(line)

    out.print(Text("\nOverrides", style="bold"))
    overrides = [p for p in explanation.placements if p.override]
    for place in overrides:
        override = place.override
        assert override is not None
        parts = [
            f'{key} "{value}"'
            for key, value in (
                ("title", override.title),
                ("slug", override.slug),
                ("summary", override.summary),
            )
            if value
        ]
        if override.tags is not None:
            parts.append(f"tags [{', '.join(override.tags)}]")
        parts += [f"{key} {value!r}" for key, value in override.extra]
        out.print(Text(f"  {place.site}: " + ("; ".join(parts) or "(empty)")))
    if not overrides:
        out.print(Text("  none"))

    out.print(Text("\nLinks to posts and pages", style="bold"))
    for link in explanation.links:
        out.print(Text(f"  line {link.line}: {link.target}"))
        for verdict in link.verdicts:
            line = Text(f"    {verdict.site:<{width}}  ")
            line.append(verdict.kind, style=STYLE.get(verdict.kind, ""))
            if verdict.detail:
                arrow = " → " if verdict.kind in ("local", "allow") else " — "
                line.append(arrow + verdict.detail)
            if verdict.kind == "allow":
                line.append(' (rel="noreferrer")')
            out.print(line)
    if not explanation.links:
        out.print(Text("  none"))

    out.print(Text("\nBundle files", style="bold"))
    for file in explanation.files:
        if not file.used:
            out.print(Text(f"  {file.name}  copied nowhere (no page uses it)", style="dim"))
            continue
        out.print(Text(f"  {file.name}"))
        for site, what in file.copies:
            style = "" if what.startswith("copied") else "dim"
            out.print(Text(f"    {site:<{width}}  {what}", style=style))
    if not explanation.files:
        out.print(Text("  none" if source.bundle else "  none (not a bundle)"))
