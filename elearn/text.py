"""Vietnamese text helpers: accent folding for search, and name sort keys."""
from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")

# Vietnamese alphabet order: a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y
_ALPHABET = ["a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l", "m",
             "n", "o", "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z"]
_LETTER_CODE = {letter: chr(0x41 + i) for i, letter in enumerate(_ALPHABET)}
# Tone order used by Vietnamese dictionaries: none, grave, hook, tilde, acute, dot below.
_TONES = {"\u0300": "1", "\u0309": "2", "\u0303": "3", "\u0301": "4", "\u0323": "5"}
_SHAPE_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn: part of the letter


def normalize_spaces(value: str) -> str:
    return _SPACES.sub(" ", value).strip()


def fold(value: str) -> str:
    """Lower case without accents: 'Hồ Chí Minh' -> 'ho chi minh'. For search, not display."""
    value = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "D"))
    value = "".join(ch for ch in value if not unicodedata.combining(ch))
    return normalize_spaces(value.lower())


def _word_key(word: str) -> tuple[str, str]:
    letters: list[list[str]] = []  # [letter, tone digit] per base letter
    for ch in unicodedata.normalize("NFD", word.lower()):
        if not unicodedata.combining(ch):
            letters.append([ch, "0"])
        elif letters and ch in _SHAPE_MARKS:
            letters[-1][0] = unicodedata.normalize("NFC", letters[-1][0] + ch)
        elif letters and ch in _TONES:
            letters[-1][1] = _TONES[ch]
    primary = "".join(_LETTER_CODE.get(letter, letter) for letter, _ in letters)
    return primary, "".join(tone for _, tone in letters)


def name_sort_key(full_name: str) -> str:
    """Sort key for a Vietnamese full name: given name (last word) first, then the rest.

    Letters follow the Vietnamese alphabet (đ after d, ơ after ô) and tones break ties,
    so a plain byte-wise ORDER BY on the stored key gives the order Vietnamese lists use.
    """
    words = normalize_spaces(full_name).split(" ")
    ordered = words[-1:] + words[:-1]
    keys = [_word_key(w) for w in ordered if w]
    return (" ".join(p for p, _ in keys) + " |" + "".join(t for _, t in keys))[:500]
