"""The README's table of every option, made from the declarations in schema.py.

`python -m splitblog.config.reference` prints it; a test checks that the README holds
exactly this, so a new option cannot go undocumented.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from splitblog.config.schema import (
    Author,
    Config,
    DeployConfig,
    Giscus,
    Isso,
    SiteConfig,
    Utterances,
    options,
)

TABLES = (
    ("", Config),
    ("[sites.NAME]", SiteConfig),
    ("[sites.NAME.author]", Author),
    ("[sites.NAME.deploy]", DeployConfig),
    ('[sites.NAME.comments] provider = "giscus"', Giscus),
    ('[sites.NAME.comments] provider = "utterances"', Utterances),
    ('[sites.NAME.comments] provider = "isso"', Isso),
)


def reference() -> str:
    lines = ["| table | key | type | default | what it does |", "| --- | --- | --- | --- | --- |"]
    for table, schema in TABLES:
        for _name, opt, default in options(schema):
            shown = opt.shown_default or _literal(default)
            lines.append(f"| {table or 'top'} | `{opt.key}` | {opt.kind} | {shown} | {opt.doc} |")
    return "\n".join(lines) + "\n"


def _literal(value: Any) -> str:
    if value is None or value == "" or value == ():
        return "—"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, tuple):
        return "`[" + ", ".join(str(v) if isinstance(v, int) else f'"{v}"' for v in value) + "]`"
    if isinstance(value, str | Path):
        return f'`"{value}"`'
    if isinstance(value, int):
        return f"`{value}`"
    return "—"  # a table of its own, listed below


if __name__ == "__main__":
    print(reference(), end="")
