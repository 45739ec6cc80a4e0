"""WCAG 2 contrast ratios, and the colours a theme's CSS gives its custom properties in
the light page and in its `prefers-color-scheme: dark` variant."""

from __future__ import annotations

import re

DARK = re.compile(r"@media\s*\(\s*prefers-color-scheme\s*:\s*dark\s*\)\s*\{")
ROOT = re.compile(r":root\s*\{([^}]*)\}")
VARIABLE = re.compile(r"--([\w-]+)\s*:\s*([^;]+);")
COLOUR = re.compile(r"#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?\b")


def luminance(colour: str) -> float:
    """Relative luminance of an sRGB colour written #rgb or #rrggbb (WCAG 2.x)."""
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    channels = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def dark_block(css: str) -> str:
    """The body of the stylesheet's `@media (prefers-color-scheme: dark)` block."""
    found = DARK.search(css)
    assert found, "no prefers-color-scheme: dark block"
    depth, start = 1, found.end()
    for index in range(start, len(css)):
        depth += {"{": 1, "}": -1}.get(css[index], 0)
        if depth == 0:
            return css[start:index]
    raise AssertionError("unclosed prefers-color-scheme block")


def variables(css: str) -> tuple[dict[str, str], dict[str, str]]:
    """(the light page's colour variables, the dark variant's: the light ones as the dark
    block overrides them)."""
    outside = css.replace(dark_block(css), "")
    light = _root_colours(outside)
    return light, {**light, **_root_colours(dark_block(css))}


def _root_colours(css: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for block in ROOT.findall(css):
        for name, value in VARIABLE.findall(block):
            colour = COLOUR.fullmatch(value.strip())
            if colour:
                found[name] = colour.group()
    return found
