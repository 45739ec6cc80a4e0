"""Two builds of one site, compared file by file (names included) by the digests of
their bytes: each file that is missing, new or different is a finding, with a short
excerpt of what differs."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from splitblog.errors import Problem
from splitblog.writer import file_digest

MAX_FILES = 12  # files reported one by one per site; the rest are counted
WINDOW = 70  # characters shown either side of the first difference

HINT = (
    "something the {site} site must not know flowed into its output: look for what "
    "reads other sites' posts, pages or settings (a template global, a count, a list, a "
    "file read), an only-block or override applied to the wrong site, or a cached page "
    "that kept older content — the token audit cannot see this"
)


def manifest(root: Path) -> dict[str, str]:
    """Every file of a site's folder: path → the digest of its bytes (as the build
    gives each file it makes: a 128-bit BLAKE2b, so equal digests are equal bytes)."""
    return {rel: file_digest(path) for rel, path in _tree(root).items()}


def differences(before: Mapping[str, str], after: Mapping[str, str]) -> list[tuple[str, str]]:
    """(path, how) of each file missing, new or different after the perturbation."""
    found = []
    for rel in sorted(before.keys() | after.keys()):
        if rel not in after:
            found.append((rel, "missing"))
        elif rel not in before:
            found.append((rel, "new"))
        elif before[rel] != after[rel]:
            found.append((rel, "differs"))
    return found


def describe(
    site: str, differing: Sequence[tuple[str, str]], original: Path, perturbed: Path
) -> list[Problem]:
    """The findings, the first few with an excerpt of what differs."""
    found: list[str] = []
    for rel, how in differing[:MAX_FILES]:
        if how == "missing":
            found.append(f"{site}/{rel} is no longer made when what it must not know changes")
        elif how == "new":
            found.append(f"{site}/{rel} is made only when what it must not know changes")
        else:
            shown = excerpt(_bytes(original / rel), _bytes(perturbed / rel))
            found.append(f"{site}/{rel} differs when what it must not know changes: {shown}")
    problems = [Problem(f"independence: {m}", hint=HINT.format(site=site)) for m in found]
    if len(differing) > MAX_FILES:
        problems.append(
            Problem(
                f"independence: {len(differing) - MAX_FILES} more files of {site} differ "
                "when what it must not know changes"
            )
        )
    return problems


def _bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def excerpt(old: bytes, new: bytes) -> str:
    """Where two files first differ: the line before and after (as `-`/`+` lines of a
    unified diff, cut to a window around the difference), or byte offsets for binaries."""
    try:
        old_text, new_text = old.decode("utf-8"), new.decode("utf-8")
    except UnicodeDecodeError:
        at = next((i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), None)
        at = min(len(old), len(new)) if at is None else at
        return f"bytes differ from offset {at} ({len(old)} bytes, now {len(new)})"
    old_lines, new_lines = old_text.split("\n"), new_text.split("\n")
    line = next(
        (i for i, (a, b) in enumerate(zip(old_lines, new_lines, strict=False)) if a != b),
        min(len(old_lines), len(new_lines)),
    )
    a = old_lines[line] if line < len(old_lines) else ""
    b = new_lines[line] if line < len(new_lines) else ""
    column = next(
        (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b))
    )
    changed = sum(1 for x, y in zip(old_lines, new_lines, strict=False) if x != y)
    changed += abs(len(old_lines) - len(new_lines))
    more = f" ({changed} lines differ)" if changed > 1 else ""
    return f"line {line + 1}{more}\n    - {_window(a, column)}\n    + {_window(b, column)}"


def _window(text: str, column: int) -> str:
    start = max(0, column - WINDOW)
    shown = text[start : column + WINDOW]
    return ("…" if start else "") + shown + ("…" if column + WINDOW < len(text) else "")


def _tree(root: Path) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for folder, _dirs, names in os.walk(root):
        for name in names:
            path = Path(folder) / name
            found[path.relative_to(root).as_posix()] = path
    return found
