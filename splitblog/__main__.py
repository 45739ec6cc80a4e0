"""`python -m splitblog`, and the `splitblog` command itself.

The CLI module is imported inside `run`, so a Ctrl-C that comes while Python is still
importing (the first few tenths of a second) ends quietly, like one during the build.
"""

from __future__ import annotations

import sys


def run() -> None:
    try:
        from splitblog.cli import main
    except KeyboardInterrupt:
        print("Interrupted before the build began; nothing was written.", file=sys.stderr)
        sys.exit(130)
    main()


if __name__ == "__main__":
    run()
