"""Search per site: each site's Pagefind index holds its own posts' words and nothing of
another site's (read from the compressed index itself), no index with `search = false`,
never a draft's words; the index is audited like every file, cached, and the same bytes
from the same pages."""

from __future__ import annotations

import re
from collections.abc import Sequence

import pytest

from splitblog.site import search as search_module

from .conftest import BASE_CONFIG, Project
from .support.pagefind import fragments, stem, words

PRO, HOME = "professional", "personal"


def corpus(project: Project) -> None:
    project.post(
        "2026-02-01-pricing", PRO, title="Pricing tiers", body="Quarterly xylophonist benchmarks.\n"
    )
    project.post(
        "2026-02-02-hike", HOME, title="Mountain hike", body="Marmots whistled near Zugspitzbahn.\n"
    )
    project.post(
        "2026-02-03-both",
        "all",
        title="Both sites",
        body="Shared lighthouse.\n\n::: only personal\nSecret grandmother recipes.\n:::\n",
    )
    project.post(
        "2026-02-04-draft", PRO, title="Unready", body="Embargoed quokkanomics.\n", draft=True
    )


def count_indexes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The number of pages of each index made from now on, in the order they are made."""
    counts: list[int] = []
    real = search_module.make_index

    def counting(pages, prefix):  # type: ignore[no-untyped-def]
        counts.append(len(pages))
        return real(pages, prefix)

    monkeypatch.setattr(search_module, "make_index", counting)
    return counts


def plant_in_index(
    monkeypatch: pytest.MonkeyPatch, title: str, body: str = "", only: Sequence[str] = ()
) -> None:
    """A broken indexer: every index it makes (or, with `only`, the one of those pages)
    also holds a page titled `title`, which the site does not publish."""
    real = search_module.make_index
    page = "<html lang=en><body><main data-pagefind-body>"
    page += f"<h1>{title}</h1>{body}</main></body></html>"

    def planting(pages, prefix):  # type: ignore[no-untyped-def]
        if only and sorted(path for path, _data in pages) != sorted(only):
            return real(pages, prefix)
        return real([*pages, ("posts/planted/index.html", page.encode())], prefix)

    monkeypatch.setattr(search_module, "make_index", planting)


def text_of(project: Project, site: str) -> str:
    return " ".join(
        f["content"] + " " + f["meta"].get("title", "") for f in fragments(project.out(site))
    )


def test_each_site_indexes_its_own_posts_and_nothing_of_the_others(project: Project) -> None:
    corpus(project)
    project.build()
    pro, home = text_of(project, PRO), text_of(project, HOME)
    assert "xylophonist" in pro and "Pricing tiers" in pro and "lighthouse" in pro
    assert "Marmots" in home and "Zugspitzbahn" in home and "grandmother" in home
    for word in ("Marmots", "Zugspitzbahn", "grandmother", "Mountain hike"):
        assert word not in pro
    assert "xylophonist" not in home and "Pricing" not in home
    pro_words, home_words = words(project.out(PRO)), words(project.out(HOME))
    assert stem("xylophonist") in pro_words and stem("marmots") in home_words
    assert not {stem(w) for w in ("marmots", "zugspitzbahn", "grandmother")} & pro_words
    assert stem("xylophonist") not in home_words
    urls = {f["url"] for f in fragments(project.out(PRO))}
    assert urls == {"/posts/pricing/", "/posts/both/"}  # posts only: no lists, no tags


def test_a_drafts_words_are_never_indexed(project: Project) -> None:
    corpus(project)
    project.build()
    assert "quokkanomics" not in text_of(project, PRO)
    assert stem("quokkanomics") not in words(project.out(PRO))
    project.assert_absent(PRO, "quokkanomics", "Unready")  # the index files opened too


def test_no_index_no_page_and_no_box_with_search_off(project: Project) -> None:
    project.config(BASE_CONFIG.replace('theme = "personal"', 'theme = "personal"\nsearch = false'))
    corpus(project)
    project.build()
    assert not project.exists(HOME, "pagefind")
    assert not project.exists(HOME, "search/index.html")
    assert "site-search" not in project.read(HOME, "index.html")
    assert project.exists(PRO, "pagefind/pagefind-entry.json")  # the other site still has one
    assert 'action="/search/"' in project.read(PRO, "index.html")


def test_the_search_page_and_box_fetch_nothing_from_elsewhere(project: Project) -> None:
    corpus(project)
    project.build()
    for site in (PRO, HOME):
        page = project.read(site, "search/index.html")
        assert '<script src="/pagefind/pagefind-ui.js">' in page
        assert 'href="/pagefind/pagefind-ui.css"' in page
        for address in re.findall(r'(?:src|href)="([^"]+)"', page):
            assert not address.startswith(("http://", "https://", "//")) or address.startswith(
                ("https://pro.example.com/", "https://home.example.net/")
            ), address
        for name in ("pagefind-ui.js", "pagefind-ui.css", "pagefind.js"):
            assert project.exists(site, f"pagefind/{name}")
        box = project.read(site, "posts/both/index.html")
        assert re.search(r'<form class="search-box" role="search" action="/search/"', box)


def test_a_site_under_a_path_gets_results_under_it(project: Project) -> None:
    project.config(BASE_CONFIG.replace("https://pro.example.com/", "https://user.github.io/blog/"))
    corpus(project)
    project.build()
    assert {f["url"] for f in fragments(project.out(PRO))} == {
        "/blog/posts/pricing/",
        "/blog/posts/both/",
    }
    assert '"/blog/pagefind/"' in project.read(PRO, "search/index.html")


def test_the_audit_reads_inside_the_index(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An index that held another site's text (a broken indexer, a page list mixed up)
    is found by the audit, which opens Pagefind's compressed files itself."""
    corpus(project)
    plant_in_index(monkeypatch, "Mountain hike", "<p>Marmots whistled near Zugspitzbahn.</p>")
    before = project.snapshot()
    result = project.run("build")
    assert result.exit_code == 1
    assert re.search(
        r"audit: professional/pagefind/fragment/\S+\.pf_fragment contains \"Mountain hike\"",
        result.output,
    ), result.output
    assert project.snapshot() == before


def test_the_index_is_reused_until_a_page_it_holds_changes(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = count_indexes(monkeypatch)
    corpus(project)
    project.build()
    assert sorted(calls) == [2, 2]  # two pages on each site
    before = project.files(PRO)
    calls.clear()
    project.post("2026-02-05-more", HOME, title="Another walk", body="Ibex.\n")
    project.build()
    assert calls == [3]  # only the site whose pages changed
    assert project.files(PRO) == before
    assert "Ibex" in text_of(project, HOME)


def test_an_index_that_cannot_be_made_stops_the_build(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus(project)
    project.build()
    before = project.snapshot()
    project.post("2026-02-06-new", PRO, title="New one")

    def broken(pages, prefix):  # type: ignore[no-untyped-def]
        raise search_module.SearchError("Pagefind failed: out of memory")

    monkeypatch.setattr(search_module, "make_index", broken)
    result = project.run("build")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "search index of professional cannot be made" in result.output
    assert "sites.professional.search = false" in result.output
    assert project.snapshot() == before


def test_check_makes_and_audits_the_index_writing_nothing(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus(project)
    project.build()
    project.post("2026-02-07-later", HOME, title="Later", body="Chamois.\n")
    before = project.snapshot()
    indexed = count_indexes(monkeypatch)
    result = project.run("check")
    assert result.exit_code == 0, result.output
    assert 3 in indexed  # the personal site's index made again, with the new post
    assert project.snapshot() == before


def test_a_build_asked_to_leave_the_index_for_later_publishes_none_and_is_not_current(
    project: Project,
) -> None:
    """What serve does for an edit: the pages at once, no index (never an old one the
    audit of the new pages could not vouch for); the next build makes it."""
    from splitblog.build import build
    from splitblog.config import load_config

    corpus(project)
    project.build()
    project.post("2026-02-08-new", HOME, title="Newer", body="Capercaillie.\n")
    config = load_config(project.root / "splitblog.toml")
    result = build(config, search_later=True)
    assert result.search_pending
    assert project.exists(HOME, "posts/new/index.html")
    assert not project.exists(HOME, "pagefind")  # the changed site: none until made
    assert project.exists(PRO, "pagefind/pagefind-entry.json")  # unchanged: kept
    again = build(config)
    assert not again.up_to_date and not again.search_pending
    assert "Capercaillie" in text_of(project, HOME)


def test_the_independence_proof_sees_an_index_that_holds_another_sites_text(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the audit blinded, an indexer handed every source (not the site's pages) is
    still caught: the index's bytes change when the other site's posts are perturbed."""
    import html

    import splitblog.audit.scan
    import splitblog.build.sites as sites
    from splitblog.writer import OutputFile, digest_of

    corpus(project)
    assert project.run("check").exit_code == 0  # the honest index is proven

    def broken(planned, made, cache):  # type: ignore[no-untyped-def]
        every = " ".join(s.body for s in planned.auditor.sources)  # all posts: a bug
        page = f"<html lang=en><body><main data-pagefind-body><p>{html.escape(every)}</p></main></body></html>"
        pages = [(m.path, m.html) for m in made if m.html is not None]
        files = search_module.make_index([*pages, ("posts/all/index.html", page.encode())], "/")
        return sites.SearchIndex({p: OutputFile(digest_of(d), data=d) for p, d in files.items()})

    monkeypatch.setattr(splitblog.audit.scan.SiteAudit, "scan", lambda self, path, data: [])
    monkeypatch.setattr(sites, "index", broken)
    result = project.run("check")
    assert result.exit_code == 1, result.output
    assert re.search(r"independence: professional/pagefind/\S+", result.output), result.output


# --- an index in parts ------------------------------------------------------------------


def test_the_number_of_parts_doubles_as_the_site_does() -> None:
    pages = search_module.PART_PAGES
    assert search_module.part_count(0) == 1
    assert search_module.part_count(2 * pages - 1) == 1
    assert search_module.part_count(2 * pages) == 2
    assert search_module.part_count(4 * pages - 1) == 2
    assert search_module.part_count(4 * pages) == 4
    assert search_module.part_count(10**9) == search_module.MOST_PARTS


def test_a_page_added_moves_no_other_page_between_parts() -> None:
    paths = [f"posts/p{n}/index.html" for n in range(600)]
    before = search_module.parts(paths)
    after = search_module.parts([*paths, "posts/new/index.html"])
    assert len(before) == len(after) == 4  # 600 and 601 pages: four parts each
    changed = [n for n in after if after[n] != before.get(n)]
    assert len(changed) == 1 and "posts/new/index.html" in after[changed[0]]
    assert sorted(p for part in after.values() for p in part) == sorted(
        [*paths, "posts/new/index.html"]
    )
    assert search_module.bundles(after) == {
        n: "pagefind/" if i == 0 else f"pagefind/{n}/" for i, n in enumerate(sorted(after))
    }


def many_posts(project: Project, count: int) -> list[str]:
    """`count` personal posts, each with a word of its own (`uniq<n>word`)."""
    for n in range(count):
        project.post(
            f"2026-03-{n + 1:02d}-walk{n}", HOME, title=f"Walk {n}", body=f"Uniq{n}word trail.\n"
        )
    return [f"posts/walk{n}/index.html" for n in range(count)]


def test_a_large_sites_index_comes_in_parts_the_search_page_merges(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_module, "PART_PAGES", 2)  # 12 posts: four parts
    paths = many_posts(project, 12)
    project.build()
    root = project.out(HOME)
    folders = search_module.bundles(search_module.parts(paths))
    assert len(folders) == 4
    merged = [f"/{folder}" for folder in list(folders.values())[1:]]
    page = (root / "search/index.html").read_text()
    for folder in merged:
        assert f'{{"bundlePath": "{folder}"}}' in page
    # Only the first part carries Pagefind's library and UI; each part has its own entry.
    for folder in folders.values():
        assert (root / folder / "pagefind-entry.json").is_file()
    for folder in list(folders.values())[1:]:
        shipped = {p.name for p in (root / folder).iterdir() if p.is_file()}
        assert not shipped & {"pagefind.js", "pagefind-ui.js", "wasm.en.pagefind"}, shipped
    assert (root / "pagefind/pagefind-ui.js").is_file()
    # Every post is in exactly one part, with its own words.
    urls = sorted(f["url"] for f in fragments(root))
    assert urls == sorted(f"/posts/walk{n}/" for n in range(12))
    assert {stem(f"uniq{n}word") for n in range(12)} <= words(root)


def test_an_edit_remakes_the_one_part_of_the_edited_post_and_equals_a_cold_build(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    monkeypatch.setattr(search_module, "PART_PAGES", 2)
    paths = many_posts(project, 12)
    project.build()
    by_number = search_module.parts(paths)
    calls = count_indexes(monkeypatch)
    project.post("2026-03-05-walk4", HOME, title="Walk 4", body="Uniq4word changed marmotte.\n")
    project.build()
    edited = next(part for part in by_number.values() if "posts/walk4/index.html" in part)
    assert calls == [len(edited)]  # that part alone, of its pages
    assert stem("marmotte") in words(project.out(HOME))
    incremental = project.files(HOME)
    shutil.rmtree(project.root / "public")
    shutil.rmtree(project.root / ".splitblog", ignore_errors=True)
    project.build()
    assert project.files(HOME) == incremental


def test_the_audit_reads_inside_every_part_of_the_index(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A part made wrong (here the last of four, the one Pagefind may finish first or
    last) is caught like the first: each part is audited as it comes."""
    monkeypatch.setattr(search_module, "PART_PAGES", 2)
    paths = many_posts(project, 12)
    project.post("2026-04-01-pricing", PRO, title="Pricing tiers", body="Xylophonist.\n")
    by_number = search_module.parts(paths)
    last = by_number[max(by_number)]  # not the first part: at pagefind/<number>/
    plant_in_index(monkeypatch, "Pricing tiers", only=last)
    result = project.run("build")
    assert result.exit_code == 1
    assert re.search(
        r"audit: personal/pagefind/\d+/fragment/\S+\.pf_fragment contains \"Pricing tiers\"",
        result.output,
    ), result.output
    assert not project.out(HOME).exists()
