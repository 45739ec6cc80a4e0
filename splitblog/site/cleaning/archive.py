"""Reading and writing the ZIP archives Office and OpenDocument files are, safely.

Read: bounded (entries, total size unzipped, compression ratio), no duplicate or
encrypted entries. Written: the entries in their order, each compressed as it was, with
fixed timestamps and no extra fields or archive comment — a ZIP entry's header
otherwise says when each part was last saved, and extra fields may carry the saving
user's numeric id.
"""

from __future__ import annotations

import io
import zipfile

from splitblog.site.cleaning.sniff import CleanError

MAX_ENTRIES = 10_000
MAX_TOTAL = 1 << 30  # unzipped
MAX_RATIO = 200
FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def read(data: bytes, what: str) -> list[tuple[zipfile.ZipInfo, bytes]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES:
            raise CleanError(f"{what} with more than {MAX_ENTRIES} parts")
        names = [i.filename for i in infos]
        if len(set(names)) != len(names):
            raise CleanError(f"{what} with two parts of the same name")
        total = sum(i.file_size for i in infos)
        if total > MAX_TOTAL or total > MAX_RATIO * max(len(data), 1 << 20):
            raise CleanError(f"{what} that unzips to {total >> 20} MiB (a ZIP bomb?)")
        if any(i.flag_bits & 1 for i in infos):
            raise CleanError(f"an encrypted {what}")
        return [(info, archive.read(info)) for info in infos]
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, ValueError) as exc:
        if isinstance(exc, CleanError):
            raise
        raise CleanError(f"a damaged {what} ({exc})") from None


def write(parts: list[tuple[zipfile.ZipInfo, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for old, data in parts:
            info = zipfile.ZipInfo(old.filename, FIXED_TIME)
            info.compress_type = old.compress_type
            info.external_attr = 0o644 << 16 if not old.is_dir() else (0o755 << 16) | 0x10
            info.create_system = 3  # Unix, whatever wrote it
            archive.writestr(info, data)
    return out.getvalue()
