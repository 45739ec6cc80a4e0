"""A folder read back whole, to compare one output or deploy target with another."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, overload

T = TypeVar("T")


def mtime(path: Path) -> int:
    return path.stat().st_mtime_ns


@overload
def tree(root: Path) -> dict[str, bytes]: ...
@overload
def tree(root: Path, read: Callable[[Path], T]) -> dict[str, T]: ...
def tree(root: Path, read: Callable[[Path], Any] = Path.read_bytes) -> dict[str, Any]:
    """Every file below `root` — hidden ones and those in hidden folders too — by its
    POSIX path relative to `root`, in sorted order, with `read(path)`: its bytes unless
    told otherwise. A folder that does not exist holds nothing: {}."""
    if not root.exists():
        return {}
    return {p.relative_to(root).as_posix(): read(p) for p in sorted(root.rglob("*")) if p.is_file()}


def stamps(root: Path) -> dict[str, int]:
    """Every file's mtime in nanoseconds: to show that nothing was rewritten."""
    return tree(root, mtime)
