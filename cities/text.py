"""Text folding shared by slugs and name matching: diacritics, case, punctuation and spaces."""

import re
import unicodedata

from django.utils.text import slugify

# Letters that Unicode does not decompose into a base letter plus a combining mark.
_SPECIAL_LETTERS = str.maketrans(
    {
        "ł": "l",
        "Ł": "L",
        "ø": "o",
        "Ø": "O",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ß": "ss",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "þ": "th",
        "Þ": "Th",
        "ı": "i",  # Turkish dotless i
        "ħ": "h",
        "Ħ": "H",
    }
)
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def strip_accents(text: str) -> str:
    """'Łódź' -> 'Lodz', 'Malmö' -> 'Malmo'. Non-Latin scripts keep their letters."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL_LETTERS))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


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
