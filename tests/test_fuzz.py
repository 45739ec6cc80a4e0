"""Property tests over the readers and guards that take what users (and attackers) write.

No input may crash splitblog — the only exception allowed out is its own SplitblogError,
a message for the user — and no path it accepts may lead outside a site's folder. The
targets live in tests/fuzz/targets.py; tests/fuzz/campaign.py runs them far longer.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .fuzz import targets
from .fuzz.targets import World

# Bounded for CI: a few seconds per target on a loaded two-core machine.
CI = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    yield targets.make_world(tmp_path_factory.mktemp("fuzz"))


@CI
@given(
    data=targets.FILE_BYTES,
    stem=targets.FILE_NAMES,
    kind=st.sampled_from(["post", "page"]),
)
def test_front_matter_reader(world: World, data: bytes, stem: str, kind: str) -> None:
    targets.check_front_matter(world, data, stem, kind)


@CI
@given(text=targets.SLUG_TEXT)
def test_slugger(text: str) -> None:
    targets.check_slugs(text)


@CI
@given(
    href=targets.HREFS,
    folder=st.sampled_from(["posts", "posts/2026", "pages", "posts/x"]),
    bundle=st.booleans(),
)
def test_link_resolver(world: World, href: str, folder: str, bundle: bool) -> None:
    targets.check_link(world, href, folder, bundle)


@CI
@given(rel=targets.REL_PATHS)
def test_output_path_guard(world: World, rel: str) -> None:
    targets.check_output_path(world, rel)


@CI
@given(target=targets.REQUESTS)
def test_preview_request_paths(world: World, target: str) -> None:
    targets.check_request(world, target)


@pytest.mark.parametrize(
    "data",
    [
        b"---\ntitle: T\ndate: 2026-01-01\naudience: all\n---\nsee \x02L5\x03\n",
        b'---\ntitle: "a\\u0002b"\ndate: 2026-01-01\naudience: all\n---\n',
        b"---\ntitle: T\ndate: 0001-01-01T00:00:00+14:00\naudience: all\n---\n",
        b"---\ntitle: T\ntitle: U\ndate: 2026-01-01\naudience: all\n---\n",
        b"\xff\xfe-\x00-\x00-\x00",
    ],
)
def test_found_by_fuzzing(world: World, data: bytes) -> None:
    """Inputs the campaign (or its first runs) turned up, kept as regressions."""
    targets.check_front_matter(world, data, "found", "post")
