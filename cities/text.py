"""Text folding shared by slugs and name matching: diacritics, case, punctuation and spaces."""

import re

from django.utils.text import slugify

from twinning.text import strip_accents

__all__ = ["ascii_slug", "fold", "strip_accents"]

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def fold(text: str) -> str:
    """A comparison key: accents stripped, case folded, punctuation and spacing made one space.

    >>> fold("  Frankfurt (Oder) ")
    'frankfurt oder'
    >>> fold("Eindhoven-Helmond") == fold("eindhoven helmond")
    True
    """
    return _NON_WORD.sub(" ", strip_accents(text).casefold()).strip()


def ascii_slug(text: str) -> str:
    """A URL slug with accents folded to ASCII: 'Łódź' -> 'lodz'."""
    return slugify(strip_accents(text))
