"""Values of the same shape as the foreign ones they replace, for the independence proof.

"Same shape" is what keeps a perturbed project a valid project that routes every post
to the same sites, while every value a site must not depend on is different:

- text: every letter becomes another (rare) letter of the same case, every digit
  another digit; punctuation, white space and Markdown or HTML syntax stay, so a slug
  stays a valid slug, an email an email, a heading a heading. Free text (titles,
  summaries, tags, names) also changes length: a short value grows to a few letters
  and any value may gain a word, so a count or a length of foreign text shows too.
- dates keep their side of "now": a past date moves further into the past, a future
  one further into the future, so a draft stays a draft, a future post future and an
  expired post expired — and the foreign post still changes its place among the
  site's own posts (a prev/next link, an archive that counted it would change).
- booleans stay (they decide whether a post is published at all: draft, published);
  numbers grow a little; lists and tables are changed item by item, keys kept.
- files: an image becomes another image of the same format (other pixels, other
  size), UTF-8 text is garbled as text, anything else keeps its first bytes (its
  magic number) and gets other bytes after them, of another length.

The letters are drawn from a few rare ones (q, x, z, j, k, v, w), so a garbled title or
name is no word of a site's own text: the audit, which looks for foreign titles and
names, does not find the garbled ones by chance.
"""

from __future__ import annotations

import io
import random
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

RARE = "qxzjkvw"
LANGUAGES = ("en", "de", "fr", "es", "it", "nl", "pt", "sv", "fi", "pl")
# Pillow writes these formats; a photo of another format gets bytes of its own shape.
PILLOW_WRITES = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "GIF": "GIF", "WEBP": "WEBP"}
PILLOW_WRITES |= {"TIFF": "TIFF", "BMP": "BMP", "AVIF": "AVIF"}


class Garbler:
    """Same-shape replacements, drawn from one seeded random generator."""

    def __init__(self, seed: int, now: datetime, zone: tzinfo):
        self.rng = random.Random(seed)
        self.now = now
        self.zone = zone
        self._tables: list[dict[int, str]] = []

    # -- text ------------------------------------------------------------------------------
    def letters(self, text: str) -> str:
        """Every letter and digit replaced, everything else kept; never the same text
        when it has a letter or a digit. (A substitution drawn afresh for each text, done
        by str.translate: the proof garbles every foreign post of a project.)"""
        if not any(c.isalnum() for c in text):
            return text
        for _attempt in range(8):
            out = text.translate(self._table())
            if not out.isascii():
                out = "".join(self._char(c) if not c.isascii() else c for c in out)
            if out != text:
                return out
        return text + self.word()

    def _table(self) -> dict[int, str]:
        """One of a few dozen substitutions, drawn once each: a project's every line is
        garbled, and drawing a fresh one for each line would cost more than the rest."""
        if len(self._tables) < 32:
            self._tables.append(self._new_table())
            return self._tables[-1]
        return self.rng.choice(self._tables)

    def _new_table(self) -> dict[int, str]:
        lower = [self.rng.choice(RARE) for _ in range(26)]
        digits = [str(self.rng.randrange(10)) for _ in range(10)]
        table = {ord("a") + i: c for i, c in enumerate(lower)}
        table |= {ord("A") + i: c.upper() for i, c in enumerate(lower)}
        table |= {ord("0") + i: d for i, d in enumerate(digits)}
        return table

    def _char(self, c: str) -> str:
        if c.isdigit() and c.isascii():
            return str(self.rng.randrange(10))
        if c.isalpha():
            letter = self.rng.choice(RARE)
            return letter.upper() if c.isupper() else letter
        return c

    def word(self, low: int = 3, high: int = 8) -> str:
        return "".join(self.rng.choice(RARE) for _ in range(self.rng.randint(low, high)))

    def text(self, value: str) -> str:
        """Free text of another length: garbled, at least five letters, maybe a word more."""
        out = self.letters(value)
        if sum(c.isalpha() for c in out) < 5 or self.rng.random() < 0.5:
            out = f"{out} {self.word()}".strip()
        return out

    def sentence(self, low: int = 4, high: int = 12) -> str:
        words = [self.word(2, 9) for _ in range(self.rng.randint(low, high))]
        return " ".join(words).capitalize() + "."

    def name(self, file_name: str) -> str:
        """A file or folder name: its letters garbled, digits (a date prefix) and the
        suffix kept, so a post stays a post and a photo a photo."""
        stem, dot, suffix = file_name.rpartition(".")
        if not dot or not stem:
            stem, suffix = file_name, ""
        table = {k: v for k, v in self._table().items() if not chr(k).isdigit()}
        new = stem.translate(table)
        if not new.isascii():
            new = "".join(self._char(c) if c.isalpha() and not c.isascii() else c for c in new)
        if new == stem:
            new = f"{stem}-{self.word()}"
        return f"{new}.{suffix}" if suffix else new

    def tags(self, tags: list[Any]) -> list[Any]:
        """Each tag garbled, and one more: the number of foreign tags changes too."""
        return [self.text(str(t)) for t in tags] + [self.word(4, 9)]

    # -- dates -----------------------------------------------------------------------------
    def moment(self, value: date | datetime) -> date | datetime:
        """The same kind of date on the same side of now, moved away from now."""
        if isinstance(value, datetime):
            aware = value if value.tzinfo else value.replace(tzinfo=self.zone)
        else:
            aware = datetime(value.year, value.month, value.day, tzinfo=self.zone)
        sign = 1 if aware > self.now else -1
        try:
            return value + sign * timedelta(days=self.rng.randint(1, 400), minutes=self._minutes())
        except OverflowError:  # the year 1 or 9999: nothing further to go, it stays
            return value

    def _minutes(self) -> int:
        return self.rng.randint(0, 1439)

    def iso(self, text: str) -> str | None:
        """An ISO date written as text, moved as `moment` moves it; None when not one."""
        stripped = text.strip()
        try:
            parsed = datetime.fromisoformat(stripped)
        except ValueError:
            return None
        moved = self.moment(parsed)
        if len(stripped) == 10:  # a date alone
            return moved.date().isoformat()
        return moved.isoformat()

    # -- any value of a front matter or a configuration --------------------------------------
    def value(self, value: Any) -> Any:
        if isinstance(value, bool) or value is None:
            return value
        if isinstance(value, date):  # datetime too
            return self.moment(value)
        if isinstance(value, int):
            return value + self.rng.randint(1, 9)
        if isinstance(value, float):
            return value + self.rng.uniform(0.5, 9.5)
        if isinstance(value, str):
            moved = self.iso(value)
            return moved if moved is not None else self.letters(value)
        if isinstance(value, list | tuple):
            return [self.value(v) for v in value]
        if isinstance(value, dict):
            return {k: self.value(v) for k, v in value.items()}
        return value

    def body(self, text: str, keep: set[int] | None = None) -> str:
        """A Markdown body of the same shape: each line's letters garbled (lines that
        hold `:::` stay as they are: the block syntax and its site names are structure),
        and some prose lines a word longer. `keep`: indexes of lines left alone."""
        lines = text.split("\n")
        garbled = self.letters(text).split("\n")  # one substitution for the whole text
        for index, line in enumerate(lines):
            if (keep and index in keep) or ":::" in line:
                continue
            new = garbled[index]
            if _prose(line) and self.rng.random() < 0.5:
                new += " " + self.word()
            lines[index] = new
        return "\n".join(lines)

    # -- files -----------------------------------------------------------------------------
    def file(self, data: bytes) -> bytes:
        """Another file of the same kind."""
        image = self._image(data)
        if image is not None:
            return image
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        if text is not None and data:
            return (self.letters(text) + " " + self.word()).encode("utf-8")
        head = data[:16]
        size = max(32, int(len(data) * self.rng.uniform(0.75, 1.25)))
        return head + self.rng.randbytes(size - len(head))

    def _image(self, data: bytes) -> bytes | None:
        try:
            from PIL import Image

            with Image.open(io.BytesIO(data)) as original:
                kind = PILLOW_WRITES.get(original.format or "")
            if kind is None:
                return None
            width, height = self.rng.randint(8, 48), self.rng.randint(8, 48)
            colour = tuple(self.rng.randrange(256) for _ in range(3))
            made = Image.new("RGB", (width, height), colour)
            for _ in range(20):
                spot = (self.rng.randrange(width), self.rng.randrange(height))
                made.putpixel(spot, tuple(self.rng.randrange(256) for _ in range(3)))
            out = io.BytesIO()
            made.save(out, format=kind)
            return out.getvalue()
        except Exception:  # a format Pillow reads but cannot write here: bytes instead
            return None


def _prose(line: str) -> bool:
    """A line of plain words, where one more word changes no structure (no code fence,
    table, HTML, list marker or heading can become anything else)."""
    stripped = line.strip()
    return (
        len(stripped.split()) >= 2
        and stripped[0].isalpha()
        and not any(c in stripped for c in "`~<>|:\\{}[]")
    )
