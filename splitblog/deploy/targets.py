"""A deploy `target` string → which publisher, and where it writes (after Lektor's
publishers chosen by URL scheme).

    file:///srv/www/site                      a local folder (a mount, a docroot)
    git+file:///path/repo.git#gh-pages        the whole tree of a branch (gh-pages default)
    git+ssh://host/path/repo.git#branch       (also git+https://, git+http://)
    git@github.com:me/site.git#gh-pages       scp-like git: user "git", a ".git" path or a #branch
    s3://bucket/prefix                        S3 and S3-compatible stores (R2, MinIO …)
    rsync://host/module/path                  an rsync daemon
    user@host:/srv/www/site                   rsync over ssh
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Literal
from urllib.parse import unquote, urlsplit

from splitblog.config import DeployConfig, SiteConfig
from splitblog.deploy.base import Publisher
from splitblog.deploy.places import (
    Place,
    folder_place,
    git_places,
    rsync_daemon_place,
    s3_place,
    ssh_place,
)

Kind = Literal["file", "git", "s3", "rsync"]
DEFAULT_BRANCH = "gh-pages"
GIT_SCHEMES = ("file", "ssh", "https", "http", "git")
SCP_LIKE = re.compile(r"^(?:(?P<user>[^@/:\s]+)@)?(?P<host>[^@/:\s]+):(?P<path>[^\s].*)$")
EXAMPLES = (
    "file:///srv/www/site, git+file:///path/repo.git#gh-pages, git@host:repo.git#gh-pages, "
    "s3://bucket/prefix, rsync://host/module/path or user@host:/path"
)


@dataclass(frozen=True)
class Target:
    kind: Kind
    url: str  # as the configuration writes it
    address: str  # file: absolute folder; git: remote URL; s3: bucket; rsync: destination/
    part: str = ""  # git: the branch; s3: the key prefix ("" or ending in "/")

    endpoint: str | None = None  # s3: the store's address (None: AWS itself)

    def overlaps(self, other: Target) -> bool:
        """Would deploying to one change what the other holds? Compared by where each
        really writes (places.py), not by how the configuration spells it."""
        mine, theirs = self.places(), other.places()
        if self.kind == other.kind == "git":  # two branches of one repository are two places
            return mine[0].overlaps(theirs[0])
        return any(a.overlaps(b) for a in mine for b in theirs)

    def places(self) -> tuple[Place, ...]:
        """Where this target writes: one place, or two for a local git repository (its
        branch, and the folder that holds the repository)."""
        if self.kind == "file":
            return (folder_place(self.address),)
        if self.kind == "s3":
            return (s3_place(self.address, self.part, self.endpoint),)
        if self.kind == "git":
            branch, folder = git_places(self.address, self.part)
            return (branch, folder) if folder is not None else (branch,)
        if self.address.startswith("rsync://"):
            parts = urlsplit(self.address)
            return (rsync_daemon_place(parts.hostname or "", parts.port, unquote(parts.path)),)
        scp = SCP_LIKE.match(self.address)
        assert scp is not None  # parse_target made it from this shape
        return (ssh_place(scp["user"], scp["host"], scp["path"]),)


def parse_target(text: str) -> Target:
    """Raise ValueError with what is wrong; the caller names the configuration key."""
    text = text.strip()
    if text.startswith("-"):
        raise ValueError(f"a target cannot start with '-': {text!r}")
    if text.startswith("git+"):
        return _git(text, text[4:])
    parts = urlsplit(text)
    if parts.scheme == "file":
        if parts.netloc not in ("", "localhost"):
            raise ValueError(f"a file:// target names a folder on this machine, not {text!r}")
        path = unquote(parts.path)
        if not path.startswith("/"):
            raise ValueError(f"a file:// target needs an absolute path (file:///srv/www): {text!r}")
        return Target("file", text, str(Path(path).resolve()))
    if parts.scheme == "s3":
        if not parts.netloc:
            raise ValueError(f"an s3:// target needs a bucket: s3://bucket/prefix, not {text!r}")
        prefix = unquote(parts.path).strip("/")
        return Target("s3", text, parts.netloc, prefix + "/" if prefix else "")
    if parts.scheme == "rsync":
        if not parts.netloc or parts.path.strip("/") == "":
            raise ValueError(f"an rsync:// target needs a host and a module: {text!r}")
        return Target("rsync", text, text.rstrip("/") + "/")
    scp = SCP_LIKE.match(text)
    if scp and "://" not in text:
        path = scp["path"]
        if scp["user"] == "git" or "#" in path or path.endswith(".git"):
            return _git(text, text)
        return Target("rsync", text, text.rstrip("/") + "/")
    raise ValueError(f"unknown kind of target {text!r}; use {EXAMPLES}")


def _git(text: str, remote: str) -> Target:
    remote, _, branch = remote.partition("#")
    branch = branch or DEFAULT_BRANCH
    if "://" in remote and urlsplit(remote).scheme not in GIT_SCHEMES:
        raise ValueError(f"unknown git transport in {text!r}; use git+file://, git+ssh:// …")
    bad = (
        branch.startswith(("-", "/"))
        or branch.endswith((".lock", "/"))
        or ".." in branch
        or any(c in branch for c in " ~^:?*[\\")
        or any(p.startswith(".") for p in PurePosixPath(branch).parts)
    )
    if bad:
        raise ValueError(f"{branch!r} is not a valid branch name")
    return Target("git", text, remote, branch)


class Publishers:
    """Makes the publisher of each target, for one deploy run.

    What is costly to set up and safe to share is made once per run and dropped with it:
    a boto3 session loads botocore's service models (~0.3 s), so every s3:// target of
    a run uses one; a process-wide session would keep credentials from an earlier run.
    Each scheme's module is imported only when used (boto3 is an optional extra).
    """

    def __init__(self) -> None:
        self.s3_session: object | None = None

    def make(
        self, target: Target, site: SiteConfig, deploy: DeployConfig, folder: Path
    ) -> Publisher:
        """The publisher of `target`'s scheme, for the built site in `folder`."""
        if target.kind == "file":
            from splitblog.deploy.folder import FolderPublisher

            return FolderPublisher(Path(target.address))
        if target.kind == "git":
            from splitblog.deploy.git import GitPublisher

            identity = deploy.identity or (site.author.name or site.title, site.author.email)
            return GitPublisher(target.address, target.part, identity)
        if target.kind == "s3":
            from splitblog.deploy.s3 import S3Publisher, new_session

            if self.s3_session is None:
                self.s3_session = new_session()
            return S3Publisher(target.address, target.part, deploy, self.s3_session)
        from splitblog.deploy.rsync import RsyncPublisher

        return RsyncPublisher(target.address, folder)
