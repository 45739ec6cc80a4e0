"""Text as a reader reads it, for matching: what the audit compares is never the bytes as
written but this normal form, so a name cannot hide behind its spelling.

NFKC (full-width letters, ligatures, composed accents: `Zoe\u0308` is `Zoë`), letter case
folded (`ZOË` is `zoë`), default-ignorable characters dropped (soft hyphens, zero-width
spaces and joiners, bidi marks, variation selectors: `Ja\u00adney` is `janey`), and every
run of white space — line breaks, non-breaking and double spaces — one space.
"""

from __future__ import annotations

import re
import unicodedata

# Unicode's Default_Ignorable_Code_Point: rendered as nothing, so a reader never sees them.
IGNORABLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0000-\U000e0fff]"
)


def normalize(text: str, fold: bool = True) -> str:
    """The normal form; `fold=False` keeps letter case (for one-word names, see tokens)."""
    if text.isascii():  # most of every page: NFKC and case folding are lower() there
        return " ".join((text.lower() if fold else text).split())
    text = unicodedata.normalize("NFKC", IGNORABLE.sub("", text))
    if fold:
        text = unicodedata.normalize("NFKC", text.casefold())
    return " ".join(text.split())  # str.split: every Unicode white space


def word_at(text: str, start: int, end: int) -> bool:
    """True when text[start:end] is whole words: no letter or digit joins it on either
    side ("sam" in "sam's" or "sam, ", not in "sample" or "flexibility")."""
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not (_wordy(before) or _wordy(after))


def _wordy(char: str) -> bool:
    return char.isalnum() or char == "_"


def contains_words(text: str, words: str) -> bool:
    """Whether normalized `text` holds normalized `words` as whole words."""
    start = text.find(words)
    while start >= 0:
        if word_at(text, start, start + len(words)):
            return True
        start = text.find(words, start + 1)
    return False
