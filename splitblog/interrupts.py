"""Short steps that a Ctrl-C must not cut in half.

A step that makes a temporary file or folder and then removes or renames it would
leave it behind if interrupted in between. Holding SIGINT and SIGTERM for those few
system calls delays the interruption until the step is whole; it then arrives as usual.
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator

HELD = {signal.SIGINT, signal.SIGTERM}


@contextlib.contextmanager
def uninterrupted() -> Iterator[None]:
    """Run the block with SIGINT and SIGTERM held back for this thread."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, HELD)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
