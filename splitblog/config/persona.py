"""The reader's checks of what a site shows of its persona beyond name and email: the
profiles (`author.links`) and the comments (`comments`), and the one check across sites
they need — two sites sharing a comment repository or server would tie their personas
together on a third party's pages (one GitHub repository's discussions, one server's
database and logs), whatever each site publishes.

A mixin of read.py's `_Reader`: it uses the reader's `error`, `table` and `site_name`.
"""

from __future__ import annotations

import re
from dataclasses import MISSING
from typing import Any
from urllib.parse import urlsplit

from splitblog.config.addresses import address, address_problem
from splitblog.config.schema import (
    COMMENT_MODES,
    COMMENT_SERVICES,
    Giscus,
    Isso,
    SiteConfig,
    Utterances,
)

REPO = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$")
MAPPINGS = ("pathname", "url", "title", "og:title")
PROVIDERS = ", ".join(COMMENT_SERVICES)


class PersonaChecks:
    site_name: str

    def error(self, key: str, message: str, hint: str | None = None) -> None:  # pragma: no cover
        raise NotImplementedError

    def table(self, schema: type, raw: dict, where: str) -> dict[str, Any]:  # pragma: no cover
        raise NotImplementedError

    # -- profiles ----------------------------------------------------------------------
    def check_author_links(self, value: Any, key: str) -> Any:
        if value is MISSING:
            return value
        links = []
        for name, url in value.items():
            where = f"{key}.{name}"
            if not isinstance(url, str):
                self.error(where, "must be a string (the profile's address)")
                continue
            problem = _web_address_problem(url)
            if problem:
                self.error(where, f"'{url}' {problem[0]}", problem[1])
                continue
            links.append((str(name), url.strip()))
        return tuple(links)

    # -- comments ----------------------------------------------------------------------
    def check_comments(self, value: Any, key: str) -> Any:
        if value is MISSING:
            return value
        if isinstance(value, str):
            if value not in COMMENT_MODES:
                self.error(
                    key,
                    f"unknown comments setting '{value}'",
                    f'use "off", "email" or a table {{ provider = "…" }} ({PROVIDERS})',
                )
                return MISSING
            return value
        provider = value.get("provider")
        if provider not in COMMENT_SERVICES:
            self.error(
                f"{key}.provider",
                "missing" if provider is None else f"unknown comment service {provider!r}",
                f"use one of: {PROVIDERS}",
            )
            return MISSING
        kind = COMMENT_SERVICES[provider]
        rest = {k: v for k, v in value.items() if k != "provider"}
        return kind(**self.table(kind, rest, f"{key}."))

    def check_reply_address(self, table: dict, values: dict[str, Any], where: str) -> None:
        """`comments = "email"` written out needs an address to reply to (by default, a
        site whose persona has no email simply shows no reply link)."""
        if table.get("comments") == "email" and not values["author"].email:
            self.error(
                f"{where}comments",
                '"email" needs the persona\'s email to reply to',
                f'add {where}author.email, or set comments = "off"',
            )

    def check_required(self, value: Any, key: str) -> Any:
        if value is MISSING or not str(value).strip():
            self.error(key, "missing", "giscus.app shows the value to copy here")
            return MISSING
        return value

    def check_comment_repo(self, value: Any, key: str) -> Any:
        if value is MISSING or not value:
            self.error(key, "missing", 'add repo = "owner/name" (a public GitHub repository)')
            return MISSING
        if not REPO.match(value):
            self.error(key, f"'{value}' is not a repository", 'write it as "owner/name"')
            return MISSING
        return value

    def check_comment_mapping(self, value: Any, key: str) -> Any:
        if value is not MISSING and value not in MAPPINGS:
            self.error(key, f"unknown mapping '{value}'", f"use one of: {', '.join(MAPPINGS)}")
            return MISSING
        return value

    def check_comment_url(self, value: Any, key: str) -> Any:
        if value is MISSING:
            if key.endswith(".url"):
                self.error(key, "missing", 'add url = "https://comments.example.net/"')
            return value
        problem = _web_address_problem(value)
        if problem:
            self.error(key, f"'{value}' {problem[0]}", problem[1])
            return MISSING
        return value.strip().rstrip("/") + "/"

    # -- across sites ------------------------------------------------------------------
    def check_comment_ties(self, sites: tuple[SiteConfig, ...]) -> None:
        """No two sites on one comment repository (nor one repository owner: GitHub shows
        it on every discussion and issue), nor one comment server."""
        seen: dict[tuple[str, str], tuple[str, str]] = {}
        for site in sites:
            for tie, shown in _ties(site):
                if tie in seen and seen[tie][0] != site.name:
                    other, other_shown = seen[tie]
                    self.error(
                        f"sites.{site.name}.comments",
                        f"{shown} is also sites.{other}'s ({other_shown}): the {other} and "
                        f"{site.name} sites would share one comment {tie[0]}, which ties "
                        "their personas together",
                        "give each site its own "
                        + (
                            "GitHub account or organisation and repository"
                            if tie[0] == "repository owner"
                            else tie[0]
                        ),
                    )
                    continue
                seen.setdefault(tie, (site.name, shown))


def _ties(site: SiteConfig) -> list[tuple[tuple[str, str], str]]:
    """((what, value), as shown) of what a site's comments keep with a third party."""
    comments = site.comments
    if isinstance(comments, Giscus | Utterances):
        owner, _, _name = comments.repo.partition("/")
        found = [
            (("repository", comments.repo.casefold()), f"the repository {comments.repo}"),
            (("repository owner", owner.casefold()), f"the GitHub account {owner}"),
        ]
        if isinstance(comments, Giscus):
            repo_id = comments.repo_id
            found.append((("repository", repo_id), f"the repository id {repo_id}"))
            if _server(comments.host) != "giscus.app":  # a giscus server of one's own
                found.append((("server", _server(comments.host)), f"the server {comments.host}"))
        return found
    if isinstance(comments, Isso):
        return [(("server", _server(comments.url)), f"the server {comments.url}")]
    return []


def _server(url: str) -> str:
    return address(url)[0]


def _web_address_problem(url: str) -> tuple[str, str] | None:
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return "is not an http(s) address", 'write it in full, e.g. "https://example.com/you"'
    return address_problem(parts.netloc, parts.hostname, parts.path)
