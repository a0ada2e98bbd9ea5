"""Free-text country -> ISO 3166-1 alpha-2, as people really type it into CRM forms.

Three passes over the *unique* values of a column (a million rows hold a few hundred spellings):
1. a lookup key (case, accents, dots, `&`, a leading "the" removed) against a table built from the
   CLDR territory names in the languages our audience writes (Babel ships CLDR; it is an Airflow
   dependency) plus an alias table for what CLDR does not list (`U.S.A.`, `PRC`, `Holland`, `UK`,
   alpha-3 codes, the home nations);
2. two-letter ISO codes as they are;
3. a close typo of a known name (`Germny`, `Swizterland`) by edit similarity, only for values of
   five or more letters, so that `Narnia` or `XX` stay unknown.
Whatever is left maps to null and is reported (UNKNOWN_COUNTRY): never guessed.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import pandas as pd
from babel import Locale
from rapidfuzz import fuzz, process

# Locales whose territory names people type (English first: on a clash the English reading wins).
NAME_LOCALES: tuple[str, ...] = (
    "en", "de", "fr", "es", "it", "nl", "pt", "sv", "da", "nb", "fi", "pl", "cs", "hu", "el", "tr",
    "ru", "he", "ar", "ja", "zh", "zh_Hant", "ko", "hi", "th", "vi", "id",
)  # fmt: skip
# CLDR region codes that are not ISO 3166-1 countries (EU, Eurozone, UN, pseudo-locales, Kosovo...).
NOT_ISO: frozenset[str] = frozenset(
    {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "XK", "ZZ"}
)
ALIASES: dict[str, str] = {
    "usa": "US", "us": "US", "us of a": "US", "united states of america": "US", "america": "US",
    "u s": "US", "u s a": "US", "the states": "US", "estados unidos": "US", "etats unis": "US",
    "uk": "GB", "u k": "GB", "england": "GB", "scotland": "GB", "wales": "GB", "northern ireland": "GB",
    "great britain": "GB", "britain": "GB", "united kingdom of great britain and northern ireland": "GB",
    "prc": "CN", "p r c": "CN", "mainland china": "CN", "peoples republic of china": "CN",
    "people s republic of china": "CN", "china mainland": "CN", "中华人民共和国": "CN",
    "holland": "NL", "nederland": "NL", "korea": "KR", "south korea": "KR", "republic of korea": "KR",
    "korea republic of": "KR", "korea south": "KR", "rok": "KR", "north korea": "KP",
    "deutschland": "DE", "brd": "DE", "schweiz": "CH", "suisse": "CH", "svizzera": "CH", "swiss": "CH",
    "uae": "AE", "emirates": "AE", "russia": "RU", "russian federation": "RU", "turkey": "TR",
    "turkiye": "TR", "czech republic": "CZ", "czechia": "CZ", "vietnam": "VN", "viet nam": "VN",
    "iran": "IR", "taiwan roc": "TW", "roc": "TW", "hong kong sar": "HK", "macau": "MO",
    "ivory coast": "CI", "cote d ivoire": "CI", "slovak republic": "SK", "bosnia": "BA",
    "usa.": "US", "united states": "US", "ksa": "SA", "nz": "NZ", "aotearoa": "NZ",
    "usa united states": "US", "eire": "IE", "brasil": "BR", "méxico": "MX", "belgie": "BE",
}  # fmt: skip
# ISO alpha-3 codes of the countries our audience comes from (CLDR does not list them).
ALPHA3: dict[str, str] = {
    "usa": "US", "gbr": "GB", "deu": "DE", "fra": "FR", "jpn": "JP", "chn": "CN", "can": "CA", "che": "CH",
    "nld": "NL", "swe": "SE", "ita": "IT", "esp": "ES", "kor": "KR", "aus": "AU", "ind": "IN", "bra": "BR",
    "isr": "IL", "dnk": "DK", "bel": "BE", "irl": "IE", "aut": "AT", "sgp": "SG", "mex": "MX", "pol": "PL",
    "fin": "FI", "nor": "NO", "prt": "PT", "nzl": "NZ", "zaf": "ZA", "twn": "TW", "hkg": "HK", "are": "AE",
}  # fmt: skip
FUZZY_MIN_LENGTH = 5
FUZZY_MIN_SCORE = 88.0
_PUNCT = re.compile(r"[.\u00b7'’`´]")
_SEPARATORS = re.compile(r"[\s,;/_()\-]+")


def country_key(value: str) -> str:
    """Lookup key: NFKC, case-folded, accents removed, dots and apostrophes dropped, separators as one space."""
    text = unicodedata.normalize("NFKC", value).casefold().replace("&", " and ")
    stripped = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    # Keep the composed form for scripts where decomposition changes letters (e.g. Korean Hangul).
    text = unicodedata.normalize("NFKC", stripped) if stripped.isascii() else text
    text = _SEPARATORS.sub(" ", _PUNCT.sub("", text)).strip()
    return text.removeprefix("the ")


@lru_cache(maxsize=1)
def country_names() -> dict[str, str]:
    """Lookup key -> ISO alpha-2 for every known name, alias and code."""
    table: dict[str, str] = {}
    for ident in NAME_LOCALES:
        for code, name in Locale.parse(ident).territories.items():
            if len(code) == 2 and code.isalpha() and code not in NOT_ISO:
                table.setdefault(country_key(name), code)
    for name, code in ({**ALPHA3, **ALIASES}).items():
        table[country_key(name)] = code
    return table


@lru_cache(maxsize=1)
def iso_codes() -> frozenset[str]:
    return frozenset(country_names().values())


def country_code(value: str) -> str | None:
    """ISO alpha-2 for one typed country, or None when it is not recognisably a country."""
    key = country_key(value)
    if not key:
        return None
    names = country_names()
    if key in names:
        return names[key]
    if len(key) == 2 and key.upper() in iso_codes():
        return key.upper()
    letters = key.replace(" ", "")
    if len(letters) >= FUZZY_MIN_LENGTH and letters.isalpha():
        best = process.extractOne(key, names.keys(), scorer=fuzz.ratio, score_cutoff=FUZZY_MIN_SCORE)
        if best is not None:
            return names[best[0]]
    return None


def country_codes(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(ISO alpha-2 per row, null when unknown; mask of rows with a value that is not a country).

    Maps each distinct spelling once, then broadcasts: cost grows with distinct values, not rows."""
    text = series.astype("string")
    uniques = text.dropna().unique()
    lookup = {value: country_code(value) for value in uniques}
    codes = text.map(lookup).astype("string")
    unknown = (text.notna() & codes.isna()).astype(bool)
    return codes, unknown
