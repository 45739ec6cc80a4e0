"""git+file://, git+ssh://, git@host:repo — the site as the whole tree of one branch.

Works in a temporary bare repository of its own, with plumbing only (after
ghp-import): fetch the branch's tip, hash the built files, write a tree from a
temporary index, `commit-tree` on top of the tip, and push that one ref. The user's
working tree, index and other branches are never read or written. The comparison is
between git trees, so a deploy with nothing changed makes no commit at all; and a push
is atomic, so an interrupted deploy leaves the branch as it was.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType

from splitblog.deploy.base import LocalFile, Plan, Progress, Publisher, make_plan
from splitblog.errors import DeployError, Problem

FILE_MODE = "100644"
# The identity is set here, never taken from the machine: ~/.gitconfig, $EMAIL or
# root@host would put the user's other persona into this site's public history.
IDENTITY_VARIABLES = tuple(
    f"GIT_{who}_{what}" for who in ("AUTHOR", "COMMITTER") for what in ("NAME", "EMAIL", "DATE")
)
# What `git rev-parse --local-env-vars` lists: set by a hook or a wrapper, they would make
# git work in the user's repository instead of the workspace.
REPOSITORY_VARIABLES = frozenset(
    {
        "GIT_ALTERNATE_OBJECT_DIRECTORIES",
        "GIT_CONFIG",
        "GIT_CONFIG_PARAMETERS",
        "GIT_CONFIG_COUNT",
        "GIT_OBJECT_DIRECTORY",
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_IMPLICIT_WORK_TREE",
        "GIT_GRAFT_FILE",
        "GIT_INDEX_FILE",
        "GIT_NO_REPLACE_OBJECTS",
        "GIT_REPLACE_REF_BASE",
        "GIT_PREFIX",
        "GIT_INTERNAL_SUPER_PREFIX",
        "GIT_SHALLOW_FILE",
        "GIT_COMMON_DIR",
    }
)
TIMEOUT = 300.0  # a hung ssh connection fails instead of waiting forever


class GitPublisher(Publisher):
    def __init__(self, remote: str, branch: str, identity: tuple[str, str]):
        self.remote = remote
        self.branch = branch
        self.identity = identity  # (name, email): the site's persona or its deploy author
        self.executable = "git"
        self.workspace: Path | None = None
        self.base: str | None = None  # the branch's tip when planned
        self.blobs: dict[str, str] = {}  # built path -> blob id
        self.env: dict[str, str] = {}

    def __enter__(self) -> GitPublisher:
        git = shutil.which("git")
        if git is None:
            raise DeployError(Problem("git is not installed", hint="install git, then deploy"))
        self.executable = git
        self.workspace = Path(tempfile.mkdtemp(prefix="splitblog-deploy-"))
        git_dir = self.workspace / "repo.git"
        self.env = _environment(git_dir)
        self._git("init", "--quiet", "--bare")  # at GIT_DIR: the workspace
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self.workspace is not None:
            shutil.rmtree(self.workspace, ignore_errors=True)

    # -- reading the branch -------------------------------------------------------------
    def plan(self, files: Mapping[str, LocalFile]) -> Plan:
        heads = self._git("ls-remote", "--heads", "--", self.remote, self._ref)
        self.base = None
        remote: dict[str, tuple[str, str]] = {}
        # ls-remote's pattern matches the end of a ref name: look for this very ref.
        if any(line.partition("\t")[2] == self._ref for line in heads.splitlines()):
            self._git("fetch", "--quiet", "--no-tags", "--depth=1", self.remote, self._ref)
            self.base = self._git("rev-parse", "--verify", "FETCH_HEAD^{commit}").strip()
            listing = self._git("ls-tree", "-r", "-z", "--full-tree", self.base)
            for line in filter(None, listing.split("\0")):
                meta, _, path = line.partition("\t")
                mode, _kind, blob = meta.split(" ")
                remote[path] = (mode, blob)
        paths = list(files)
        ids = self._git(
            "hash-object",
            "--no-filters",
            "--stdin-paths",
            stdin="".join(f"{files[p].source}\n" for p in paths),
        ).split()
        self.blobs = dict(zip(paths, ids, strict=True))
        return make_plan(files, remote, lambda p: remote[p] == (FILE_MODE, self.blobs[p]))

    def fetch(self, path: str) -> bytes | None:
        if self.base is None:
            return None
        result = self._run("cat-file", "blob", f"{self.base}:{path}", check=False, text=False)
        return result.stdout if result.returncode == 0 else None

    # -- committing and pushing ---------------------------------------------------------
    def apply(self, plan: Plan, progress: Progress) -> None:
        if plan.empty and self.base is not None:
            return  # the branch already holds this tree: no commit
        total = len(plan.upload) + 3
        written = self._git(
            "hash-object",
            "-w",
            "--no-filters",
            "--stdin-paths",
            stdin="".join(f"{f.source}\n" for f in plan.upload),
        ).split()
        if written != [self.blobs[f.path] for f in plan.upload]:
            raise DeployError(Problem("the built files changed while they were being deployed"))
        progress(len(plan.upload), total)
        index = self.workspace / "deploy.index"  # type: ignore[operator]
        entries = "".join(f"{FILE_MODE} {blob}\t{path}\0" for path, blob in self.blobs.items())
        self._git("update-index", "--add", "-z", "--index-info", stdin=entries, index=index)
        tree = self._git("write-tree", index=index).strip()
        progress(len(plan.upload) + 1, total)
        # Names no site and no generator: the history is as public as the pages.
        message = (
            f"Publish\n\n{len(plan.upload)} files added or changed, {len(plan.delete)} "
            f"removed, {plan.unchanged} unchanged.\n"
        )
        parents = ["-p", self.base] if self.base else []
        commit = self._commit_tree(tree, parents, message)
        progress(len(plan.upload) + 2, total)
        push = self._run("push", "--quiet", self.remote, f"{commit}:{self._ref}", check=False)
        if push.returncode != 0:
            raise DeployError(
                Problem(
                    f"git push to {self.remote} ({self.branch}) was rejected: {_cause(push)}",
                    hint="nothing was changed there; fix the cause and deploy again",
                )
            )
        progress(total, total)

    def _commit_tree(self, tree: str, parents: list[str], message: str) -> str:
        """The commit, as the site's identity, dated in UTC (the machine's time zone
        says where it is), and never signed (a key names its owner)."""
        name, email = self.identity
        now = f"@{int(time.time())} +0000"
        env = {
            "GIT_AUTHOR_NAME": name,
            "GIT_AUTHOR_EMAIL": email,
            "GIT_AUTHOR_DATE": now,
            "GIT_COMMITTER_NAME": name,
            "GIT_COMMITTER_EMAIL": email,
            "GIT_COMMITTER_DATE": now,
        }
        args = ("commit-tree", "--no-gpg-sign", tree, *parents, "-m", message)
        return self._run(*args, extra=env).stdout.strip()  # type: ignore[union-attr]

    # -- running git ----------------------------------------------------------------------
    @property
    def _ref(self) -> str:
        return f"refs/heads/{self.branch}"

    def _git(self, *args: str, stdin: str | None = None, index: Path | None = None) -> str:
        return self._run(*args, stdin=stdin, index=index).stdout  # type: ignore[return-value]

    def _run(
        self,
        *args: str,
        stdin: str | None = None,
        index: Path | None = None,
        check: bool = True,
        text: bool = True,
        extra: dict[str, str] | None = None,
    ) -> subprocess.CompletedProcess:  # type: ignore[type-arg]
        env = {**self.env, **(extra or {})}
        if index is not None:
            env["GIT_INDEX_FILE"] = str(index)
        try:
            result = subprocess.run(
                [self.executable, *args],
                input=stdin.encode() if stdin is not None else None,
                capture_output=True,
                env=env,
                cwd=self.workspace,
                timeout=TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise DeployError(
                Problem(f"git {args[0]} on {self.remote} timed out after {TIMEOUT:.0f} s")
            ) from None
        if text:
            result = subprocess.CompletedProcess(
                result.args,
                result.returncode,
                result.stdout.decode("utf-8", "surrogateescape"),
                result.stderr.decode("utf-8", "replace"),
            )
        if check and result.returncode != 0:
            raise DeployError(Problem(f"git {args[0]} failed for {self.remote}: {_cause(result)}"))
        return result


def _environment(git_dir: Path) -> dict[str, str]:
    """The user's environment (ssh keys, proxies, identity) with every variable that
    would point git at the user's own repository replaced by the workspace."""
    skipped = REPOSITORY_VARIABLES.union(IDENTITY_VARIABLES)
    env = {k: v for k, v in os.environ.items() if k not in skipped}
    env["GIT_DIR"] = str(git_dir)
    env["GIT_TERMINAL_PROMPT"] = "0"  # fail, rather than wait for a password nobody types
    return env


_ERRORS = ("fatal:", "error:")


def _cause(result: subprocess.CompletedProcess) -> str:  # type: ignore[type-arg]
    """The line of git's stderr that says why: the rejection (`! [remote rejected] …`)
    with what the server said (`remote: …`), else the first fatal/error line."""
    lines = [line.strip() for line in str(result.stderr).splitlines() if line.strip()]
    said = "; ".join(line[7:].strip() for line in lines if line.startswith("remote:"))
    rejected = [line[2:].strip() for line in lines if line.startswith("! [")]
    errors = [line.partition(":")[2].strip() for line in lines if line.startswith(_ERRORS)]
    cause = (rejected or errors or lines or [f"exit status {result.returncode}"])[0]
    return f"{cause} ({said})" if said and rejected else cause
