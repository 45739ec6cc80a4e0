"""Tags whose names a slug would merge are kept apart (C, C#, C++) or refused naming both
(café and cafe) — never silently merged into one tag page."""

from __future__ import annotations

from .conftest import Project


def test_c_c_sharp_and_c_plus_plus_are_three_tags(project: Project) -> None:
    project.post("2026-01-01-c", "professional", title="Pointers", tags=["C"])
    project.post("2026-01-02-cs", "professional", title="Delegates", tags=["C#"])
    project.post("2026-01-03-cpp", "professional", title="Templates", tags=["C++"])
    project.build()
    pages = {
        "tags/c/index.html": "Pointers",
        "tags/c-sharp/index.html": "Delegates",
        "tags/c-plus-plus/index.html": "Templates",
    }
    for path, title in pages.items():
        page = project.read("professional", path)
        assert title in page, path
        for other in set(pages.values()) - {title}:
            assert other not in page, (path, other)
    index = project.read("professional", "tags/index.html")
    for name in (">C<", ">C#<", ">C++<"):
        assert name in index


def test_tags_written_differently_that_are_one_tag_stay_one(project: Project) -> None:
    project.post("2026-01-01-a", "professional", title="First", tags=["Go"])
    project.post("2026-01-02-b", "professional", title="Second", tags=["go"])
    project.build()
    page = project.read("professional", "tags/go/index.html")
    assert "First" in page and "Second" in page


def test_two_tags_sharing_an_address_are_refused_naming_both(project: Project) -> None:
    project.post("2026-01-01-a", "professional", title="First", tags=["café"])
    project.post("2026-01-02-b", "professional", title="Second", tags=["cafe"])
    result = project.run("build")
    assert result.exit_code == 1, result.output
    # named newest post first, each with the file that uses it
    message = "tags 'cafe' and 'café' would share the address /tags/cafe/ on professional"
    assert f"content/posts/2026-01-02-b.md:5: {message}" in result.stderr, result.stderr
    assert "(used by content/posts/2026-01-01-a.md too)" in result.stderr
    assert "content/posts/2026-01-0" in result.stderr and "Traceback" not in result.output


def test_a_tag_collision_on_one_site_only_stops_that_site(project: Project) -> None:
    """Each site's tags are its own: a personal tag "cafe" beside a professional "café" is
    no collision (they are never on one site)."""
    project.post("2026-01-01-a", "professional", title="First", tags=["café"])
    project.post("2026-01-02-b", "personal", title="Second", tags=["cafe"])
    project.build()
    assert "First" in project.read("professional", "tags/cafe/index.html")
    assert "Second" in project.read("personal", "tags/cafe/index.html")
