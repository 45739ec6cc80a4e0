"""What a site shows of its persona beyond a name: the profiles (`author.links`, with
rel="me") and the way readers answer a post (`comments`).

Made from this site's configuration alone: the comments of a site are rendered only on
that site, and nothing here knows that other sites exist.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import quote

from splitblog.config.schema import Giscus, Isso, SiteConfig, Utterances

# How a theme names the profiles it knows; any other name is shown as written.
LABELS = {
    "bandcamp": "Bandcamp",
    "behance": "Behance",
    "bluesky": "Bluesky",
    "codeberg": "Codeberg",
    "dribbble": "Dribbble",
    "facebook": "Facebook",
    "flickr": "Flickr",
    "github": "GitHub",
    "gitlab": "GitLab",
    "goodreads": "Goodreads",
    "instagram": "Instagram",
    "keybase": "Keybase",
    "letterboxd": "Letterboxd",
    "linkedin": "LinkedIn",
    "mastodon": "Mastodon",
    "matrix": "Matrix",
    "medium": "Medium",
    "orcid": "ORCID",
    "pinterest": "Pinterest",
    "pixelfed": "Pixelfed",
    "reddit": "Reddit",
    "soundcloud": "SoundCloud",
    "stackoverflow": "Stack Overflow",
    "strava": "Strava",
    "substack": "Substack",
    "threads": "Threads",
    "tiktok": "TikTok",
    "tumblr": "Tumblr",
    "twitch": "Twitch",
    "twitter": "Twitter",
    "vimeo": "Vimeo",
    "website": "Website",
    "x": "X",
    "xing": "XING",
    "youtube": "YouTube",
}
GISCUS_SCRIPT = "client.js"
UTTERANCES_SCRIPT = "https://utteranc.es/client.js"
ISSO_SCRIPT = "js/embed.min.js"


@dataclass(frozen=True)
class ProfileLink:
    """One of the persona's profiles, shown with rel="me"."""

    name: str  # as configured: "mastodon"
    label: str  # as shown: "Mastodon"
    href: str


@dataclass(frozen=True)
class CommentsView:
    """How this site takes comments: the site's setting, and on a post's page that
    post's reply address."""

    mode: str  # "off", "email", or the service: "giscus", "utterances", "isso"
    policy: str  # comments_policy, shown beside
    script: str = ""  # the service's script (an absolute URL), loaded on post pages only
    attrs: tuple[tuple[str, str], ...] = ()  # the script tag's settings, in order
    reply: str = ""  # "email": the mailto: address of this post's reply


def label(name: str) -> str:
    return LABELS.get(name.casefold().replace("-", "").replace("_", "").replace(" ", ""), name)


def profile_links(site: SiteConfig) -> tuple[ProfileLink, ...]:
    return tuple(ProfileLink(name, label(name), url) for name, url in site.author.links)


def comments_view(site: SiteConfig) -> CommentsView:
    policy = site.comments_policy.strip()
    setting = site.comments
    if isinstance(setting, Giscus):
        attrs = (
            ("data-repo", setting.repo),
            ("data-repo-id", setting.repo_id),
            ("data-category", setting.category),
            ("data-category-id", setting.category_id),
            ("data-mapping", setting.mapping),
            ("data-strict", "1"),
            ("data-reactions-enabled", "1" if setting.reactions else "0"),
            ("data-emit-metadata", "0"),
            ("data-input-position", "bottom"),
            ("data-theme", setting.theme),
            ("data-lang", site.language),
            ("data-loading", "lazy"),
        )
        script = setting.host.rstrip("/") + "/" + GISCUS_SCRIPT
        return CommentsView("giscus", policy, script, attrs)
    if isinstance(setting, Utterances):
        attrs = (("repo", setting.repo), ("issue-term", setting.issue_term))
        attrs += (("label", setting.label),) if setting.label else ()
        attrs += (("theme", setting.theme),)
        return CommentsView("utterances", policy, UTTERANCES_SCRIPT, attrs)
    if isinstance(setting, Isso):
        attrs = (("data-isso", setting.url), ("data-isso-lang", site.language))
        return CommentsView("isso", policy, setting.url + ISSO_SCRIPT, attrs)
    if setting == "email" and site.author.email:
        return CommentsView("email", policy)
    # "off", or "email" by default for a persona without an address: nothing to reply to
    return CommentsView("off", policy)


def post_comments(
    comments: CommentsView, site: SiteConfig, kind: str, title: str, extra: dict[str, Any]
) -> CommentsView | None:
    """The comments of one post's page, or None: never on pages, nor on a post whose front
    matter says `comments: false`."""
    if comments.mode == "off" or kind != "post" or extra.get("comments", True) is False:
        return None
    if comments.mode == "email":
        subject = quote(title, safe="")
        return replace(comments, reply=f"mailto:{site.author.email}?subject={subject}")
    return comments
