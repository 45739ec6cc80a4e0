"""One exception family for everything a user can get wrong.

Each problem names where it is (a file and line, or a configuration key) and what to do
about it. Stages collect problems and raise them together, so one run reports them all;
the CLI prints them one per line without a traceback and exits with the error's code.
"""

from __future__ import annotations

import errno
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong: `where: message — hint`."""

    message: str
    path: str | None = None  # a file, relative to the project where possible
    line: int | None = None  # 1-based, counted from the top of the file
    key: str | None = None  # a configuration key path such as sites.professional.base_url
    hint: str | None = None  # what to do about it

    @property
    def where(self) -> str:
        if self.path and self.line:
            return f"{self.path}:{self.line}"
        if self.path and self.key:
            return f"{self.path}: {self.key}"
        return self.path or self.key or ""

    def __str__(self) -> str:
        text = f"{self.where}: {self.message}" if self.where else self.message
        return f"{text} — {self.hint}" if self.hint else text


class SplitblogError(Exception):
    """An error the user can fix; never shown with a traceback."""

    exit_code = 1

    def __init__(self, problems: Iterable[Problem] | Problem | str):
        if isinstance(problems, str):
            problems = [Problem(problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class ConfigError(SplitblogError):
    """The configuration file is missing, malformed or inconsistent."""


class ContentError(SplitblogError):
    """Front matter, links, URLs or templates that cannot be built."""


class AuditError(SplitblogError):
    """The built output contains something that must not be on that site."""


class OutputError(SplitblogError):
    """The output folder cannot be written (read-only, full disk, locked)."""


class DeployError(SplitblogError):
    """A publisher could not reach, or refused to update, its target."""


class Problems:
    """Collects problems from a stage, then raises them all at once."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, message: str, **where: object) -> None:
        self.items.append(Problem(message, **where))  # type: ignore[arg-type]

    def extend(self, problems: Iterable[Problem]) -> None:
        self.items.extend(problems)

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self, kind: type[SplitblogError] = ContentError) -> None:
        if self.items:
            raise kind(sorted(dict.fromkeys(self.items), key=_order))


def _order(problem: Problem) -> tuple[str, int, str]:
    return (problem.path or problem.key or "", problem.line or 0, problem.message)


# Failures of the machine, not of splitblog: a full disk, a read-only or foreign folder.
# Whatever stage meets one (the writer, the cache, Jinja's bytecode cache, the image
# cache, the lock file), the user gets one line naming the file, never a traceback.
FILE_SYSTEM_HINTS = {
    errno.ENOSPC: "free some disk space, then build again",
    errno.EDQUOT: "free some space within your disk quota, then build again",
    errno.EROFS: "the folder is on a read-only file system: write the output elsewhere (-o)",
    errno.EACCES: "make the folder writable for you, or write the output elsewhere (-o)",
    errno.EPERM: "make the folder writable for you, or write the output elsewhere (-o)",
    errno.EIO: "the disk reported an input/output error: check it",
    errno.EMFILE: "too many open files: raise the limit (ulimit -n)",
}


def file_system_problem(exc: OSError) -> Problem | None:
    """The problem to show for an OSError the user's machine caused, or None for one
    that is a bug of splitblog's (and deserves its traceback)."""
    hint = FILE_SYSTEM_HINTS.get(exc.errno or 0)
    if hint is None:
        return None
    target = f" {exc.filename}" if exc.filename else ""
    return Problem(
        f"cannot write{target}: {exc.strerror or exc}",
        hint=f"{hint}; each site folder holds a complete build, the previous one or this one",
    )
