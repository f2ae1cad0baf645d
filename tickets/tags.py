"""Tag colours: a fixed palette, every pair readable at WCAG 2.2 AA (text at least 4.5:1 on its
background). Admins pick a colour by name; the desk shows a tag as ``tag tag-<colour>``, whose CSS
(``static/css/tags.css``) holds exactly these values (a test checks both). Pure functions, no ORM.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

AA_TEXT = 4.5  # WCAG 2.2 AA, normal-size text
NAME_MAX = 40
# Letters, digits, spaces and a few joiners; a comma separates tags in the desk's input.
NAME_PATTERN = re.compile(r"^[\w][\w .&+/#-]*$")


@dataclass(frozen=True)
class TagColour:
    label: str
    background: str
    text: str


PALETTE: dict[str, TagColour] = {
    "grey": TagColour("Grey", "#e2e3e5", "#2b2f32"),
    "blue": TagColour("Blue", "#cfe2ff", "#052c65"),
    "purple": TagColour("Purple", "#e2d9f3", "#432874"),
    "pink": TagColour("Pink", "#f7d6e6", "#561435"),
    "red": TagColour("Red", "#f8d7da", "#58151c"),
    "orange": TagColour("Orange", "#ffe5d0", "#653208"),
    "yellow": TagColour("Yellow", "#fff3cd", "#664d03"),
    "green": TagColour("Green", "#d1e7dd", "#0a3622"),
    "teal": TagColour("Teal", "#d2f4ea", "#08281e"),
    "cyan": TagColour("Cyan", "#cff4fc", "#055160"),
}
COLOUR_CHOICES = [(key, colour.label) for key, colour in PALETTE.items()]
DEFAULT_COLOUR = "grey"


def _luminance(hex_colour: str) -> float:
    value = hex_colour.lstrip("#")
    channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    """WCAG contrast ratio of two ``#rrggbb`` colours (1.0 to 21.0)."""
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def clean_tag_name(raw: str) -> str:
    """A tag name as typed, tidied: inner runs of spaces become one. Empty if nothing is left."""
    return " ".join(raw.split())


def split_tag_names(raw: str) -> list[str]:
    """'vip, refund ,  VIP' -> ['vip', 'refund']: comma-separated, tidied, each once whatever its case."""
    seen: dict[str, str] = {}
    for part in raw.split(","):
        name = clean_tag_name(part)
        if name and name.lower() not in seen:
            seen[name.lower()] = name
    return list(seen.values())
