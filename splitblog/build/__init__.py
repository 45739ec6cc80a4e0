"""The build, from the configuration to the swapped-in sites (run.py has the stages in
order); the no-op check (uptodate.py); where the output goes and the build lock
(output.py); one site's phases after its preparation (sites.py)."""

from splitblog.build.output import build_lock, cache_dir, spare_root
from splitblog.build.run import (
    BuildResult,
    Progress,
    build,
    open_cache,
    problem_sites,
    sources_space,
)
from splitblog.build.uptodate import input_fingerprint

__all__ = [
    "BuildResult",
    "Progress",
    "build",
    "build_lock",
    "cache_dir",
    "input_fingerprint",
    "open_cache",
    "problem_sites",
    "sources_space",
    "spare_root",
]
