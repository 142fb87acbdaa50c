"""Plain reference data for the context bonuses: official languages and land neighbours.

Countries are ISO 3166-1 alpha-2 codes of the eligible countries and the Mission Cities'
countries. Languages are ISO 639-1 codes of the national official languages (regional ones
left out); neighbours are countries sharing a land border, plus fixed links across narrow
straits (the Øresund bridge DK–SE, the Channel tunnel FR–GB). Both are symmetric.
"""

from __future__ import annotations

COUNTRY_LANGUAGES: dict[str, frozenset[str]] = {
    code: frozenset(langs.split())
    for code, langs in {
        "AT": "de",
        "BE": "nl fr de",
        "BG": "bg",
        "HR": "hr",
        "CY": "el tr",
        "CZ": "cs",
        "DK": "da",
        "EE": "et",
        "FI": "fi sv",
        "FR": "fr",
        "DE": "de",
        "GR": "el",
        "HU": "hu",
        "IE": "en ga",
        "IT": "it",
        "LV": "lv",
        "LT": "lt",
        "LU": "lb fr de",
        "MT": "mt en",
        "NL": "nl",
        "PL": "pl",
        "PT": "pt",
        "RO": "ro",
        "SK": "sk",
        "SI": "sl",
        "ES": "es",
        "SE": "sv",
        "AL": "sq",
        "AM": "hy",
        "BA": "bs hr sr",
        "FO": "fo da",
        "GE": "ka",
        "IS": "is",
        "IL": "he",
        "XK": "sq sr",
        "MD": "ro",
        "ME": "sr",
        "MK": "mk sq",
        "NO": "no",
        "RS": "sr",
        "TN": "ar",
        "TR": "tr",
        "UA": "uk",
        "NZ": "en",
        "GB": "en",
        "CA": "en fr",
        "KR": "ko",
        "CH": "de fr it",
        "EG": "ar",
    }.items()
}

_BORDERS = """
AT-DE AT-CZ AT-SK AT-HU AT-SI AT-IT AT-CH
BE-NL BE-DE BE-LU BE-FR
BG-RO BG-RS BG-MK BG-GR BG-TR
HR-SI HR-HU HR-RS HR-BA HR-ME
CY-GR
CZ-DE CZ-PL CZ-SK
DK-DE DK-SE
EE-LV FI-SE FI-NO
FR-LU FR-DE FR-CH FR-IT FR-ES FR-GB
DE-NL DE-LU DE-CH DE-PL
GR-AL GR-MK GR-TR
HU-SK HU-RO HU-RS HU-SI HU-UA
IE-GB IT-SI IT-CH
LV-LT LT-PL
MD-RO MD-UA
ME-BA ME-RS ME-AL ME-XK
MK-RS MK-AL MK-XK
NO-SE
PL-SK PL-UA
PT-ES
RO-RS RO-UA
SK-UA
RS-BA RS-XK
AL-XK
AM-GE AM-TR GE-TR
"""

NEIGHBOURS: dict[str, frozenset[str]] = {}
for _pair in _BORDERS.split():
    _a, _b = _pair.split("-")
    NEIGHBOURS[_a] = NEIGHBOURS.get(_a, frozenset()) | {_b}
    NEIGHBOURS[_b] = NEIGHBOURS.get(_b, frozenset()) | {_a}
