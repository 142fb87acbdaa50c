"""Accent folding, shared by name matching (cities.text) and every search (twinning.search)."""

import unicodedata

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


def strip_accents(text: str) -> str:
    """'Łódź' -> 'Lodz', 'Malmö' -> 'Malmo'. Non-Latin scripts keep their letters."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL_LETTERS))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def search_key(text: str | None) -> str | None:
    """What a search compares: accents stripped, case folded ('Umeå' -> 'umea')."""
    return None if text is None else strip_accents(text).casefold()
