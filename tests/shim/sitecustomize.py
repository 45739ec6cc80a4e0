"""Loaded by every Python started with tests/shim on PYTHONPATH: counts the file-system
changes a process makes, and can SIGKILL it (and its workers) just before the N-th.

SPLITBLOG_TEST_KILL_AT=N     kill the process group before change number N
SPLITBLOG_TEST_COUNT_TO=FILE write the number of changes made to FILE at exit

Used by tests/test_faults.py to kill a real build at chosen points of its writing,
deterministically (with SPLITBLOG_WORKERS=1, one process makes every change).
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
from collections.abc import Callable
from typing import Any

KILL_AT = int(os.environ.get("SPLITBLOG_TEST_KILL_AT") or 0)
COUNT_TO = os.environ.get("SPLITBLOG_TEST_COUNT_TO")
CHANGES = ("write", "rename", "replace", "unlink", "rmdir", "mkdir", "symlink", "truncate")


def _install() -> None:
    made = [0]

    def counted(change: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            made[0] += 1
            if made[0] == KILL_AT:
                os.killpg(os.getpgrp(), signal.SIGKILL)
            return change(*args, **kwargs)

        return wrapper

    for name in CHANGES:
        setattr(os, name, counted(getattr(os, name)))
    shutil.copyfile = counted(shutil.copyfile)
    if COUNT_TO:
        path = COUNT_TO

        def report() -> None:
            with open(path, "w") as out:
                out.write(str(made[0]))

        atexit.register(report)


if KILL_AT or COUNT_TO:
    _install()
