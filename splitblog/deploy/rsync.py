"""rsync://host/module/path and user@host:/path — the rsync command.

The plan is rsync's own `--dry-run --itemize-changes` with the very options of the real
run, so what `--dry-run` shows is what rsync will do. `--checksum` compares contents
(not sizes and times); times are not copied, so an unchanged file keeps its mtime.
`--delete-after` deletes only once every upload is in place, and rsync writes each file
under a temporary name before renaming it, so an interrupted run leaves whole files.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path

from splitblog.deploy.base import LocalFile, Plan, Progress, Publisher
from splitblog.errors import DeployError, Problem

OPTIONS = ("--recursive", "--delete", "--delete-after", "--checksum", "--timeout=120")
NAME_AT = 12  # `%i %n`: eleven characters of flags, a space, the name


class RsyncPublisher(Publisher):
    def __init__(self, destination: str, folder: Path):
        self.destination = destination  # ends in "/": the folder's contents go into it
        self.folder = folder
        self.executable = ""

    def __enter__(self) -> RsyncPublisher:
        found = shutil.which("rsync")
        if found is None:
            raise DeployError(
                Problem(
                    "rsync is not installed",
                    hint="install it (apt-get install rsync, brew install rsync) and deploy again",
                )
            )
        self.executable = found
        return self

    def _command(self, *extra: str) -> list[str]:
        daemon = ("--contimeout=30",) if self.destination.startswith("rsync://") else ()
        return [self.executable, *OPTIONS, *daemon, *extra, f"{self.folder}/", self.destination]

    def plan(self, files: Mapping[str, LocalFile]) -> Plan:
        result = subprocess.run(
            self._command("--dry-run", "--itemize-changes"),
            capture_output=True,
            text=True,
            check=False,
        )
        self._check(result.returncode, result.stderr)
        upload: list[LocalFile] = []
        delete: list[str] = []
        for line in result.stdout.splitlines():
            name = line[NAME_AT:]
            if line.startswith("*deleting"):
                if not name.endswith("/"):
                    delete.append(name)
            elif line[:2] in ("<f", ">f") and name in files:
                upload.append(files[name])
        upload.sort(key=lambda f: f.path)
        return Plan(tuple(upload), tuple(sorted(delete)), len(files) - len(upload))

    def apply(self, plan: Plan, progress: Progress) -> None:
        if plan.empty:
            return
        with subprocess.Popen(
            self._command("--itemize-changes"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        ) as process:
            assert process.stdout is not None and process.stderr is not None
            done = 0
            for line in process.stdout:
                if line[:2] in ("<f", ">f"):
                    done += 1
                    progress(min(done, len(plan.upload)), len(plan.upload))
            errors = process.stderr.read()
        self._check(process.returncode, errors)

    def fetch(self, path: str) -> bytes | None:
        with tempfile.TemporaryDirectory(prefix="splitblog-rsync-") as folder:
            copy = Path(folder) / "copy"
            result = subprocess.run(
                [self.executable, "--quiet", "--timeout=60", self.destination + path, str(copy)],
                capture_output=True,
                check=False,
            )
            return copy.read_bytes() if result.returncode == 0 and copy.is_file() else None

    def _check(self, status: int, errors: str) -> None:
        if status == 0:
            return
        lines = [line.strip() for line in errors.splitlines() if line.strip()]
        # rsync's last line is "rsync error: … (code N) at main.c(…)"; the cause is before it.
        causes = [line for line in lines if not line.startswith("rsync error:")]
        cause = (causes or lines or [f"exit status {status}"])[-1]
        raise DeployError(
            Problem(
                f"rsync to {self.destination} failed: {cause}",
                hint="fix the cause, then deploy again to complete it",
            )
        )
