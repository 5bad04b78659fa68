"""Sensitive-word (舆情) scanning: fold away evasions, find lexicon words, point at them in the text.

Every character is folded on its own to at most one character: its NFKC compatibility form
(full-width ``１２３１５`` → ``12315``, ``Ａ`` → ``A``), lower case, then traditional → simplified
(``記者`` → ``记者``). Characters that are neither letters nor digits — spaces, punctuation, symbols,
emoji, zero-width marks — are dropped, so ``曝 光``, ``曝-光``, ``起*诉`` and ``1 2 3 1 5`` fold to the
lexicon's own form. Because no character ever folds to more than one, a hit in the folded text maps
back to a span of the original text, and that span covers whatever was slipped inside the word.

A word must match as a whole folded sequence. A word that begins or ends with a Latin letter or an
ASCII digit must also stand apart from letters (digits) of the same kind in the original text, so
``12315`` is found in ``拨打12315`` and ``1 2 3 1 5`` but not inside the order number ``2026123150``.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import ahocorasick
import opencc
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

__all__ = ["Lexicon", "Match", "highlight", "lexicon_for", "normalise"]

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_CHUNK = 256


@dataclass(frozen=True)
class Match:
    """A lexicon word found in a text: ``text[start:end]`` is the passage as the customer wrote it."""

    word: str
    start: int
    end: int


# --- folding ---------------------------------------------------------------------------------------


@functools.cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def _single(folded: str, original: str) -> str:
    """Keep a folding step only when it yields exactly one character, so offsets stay mappable."""
    return folded if len(folded) == 1 else original


def _is_letter_or_digit(char: str) -> bool:
    return unicodedata.category(char)[0] in "LN"


def _fold(chars: Sequence[str]) -> list[str]:
    """Fold each character to one character, or to ``""`` when it is ignorable."""
    compat = [_single(unicodedata.normalize("NFKC", c), c) for c in chars]
    lowered = [_single(c.lower(), c) for c in compat]
    simplified = _simplified([c for c in lowered if unicodedata.category(c)[0] == "L"])
    return [simplified.get(c, c) if _is_letter_or_digit(c) else "" for c in lowered]


def _simplified(letters: list[str]) -> dict[str, str]:
    """Traditional → simplified for each letter that has a one-character simplified form."""
    if not letters:
        return {}
    # One conversion call for all letters, one per line, so OpenCC cannot apply phrase rules.
    # Repeated because a few conversions take two steps (薴 → 苧 → 苎).
    text = "\n".join(letters)
    for _ in range(3):
        converted = _t2s().convert(text)
        if converted == text:
            break
        text = converted
    return {c: _single(s, c) for c, s in zip(letters, text.split("\n"), strict=True) if s != c}


@functools.cache
def _bmp_table() -> list[int | None]:
    """A ``str.translate`` table for the Basic Multilingual Plane, indexed by code point."""
    chars = [chr(code) for code in range(0x10000)]
    return [ord(folded) if folded else None for folded in _fold(chars)]


@functools.lru_cache(maxsize=4096)
def _fold_astral(char: str) -> str:
    return _fold([char])[0]


def normalise(text: str) -> str:
    """Fold ``text`` the way the lexicon sees it: one character or none for each original one."""
    folded = text.translate(_bmp_table())
    # Characters beyond the BMP (emoji, rare CJK) are few: fold them separately rather than
    # carry a table for all of Unicode.
    if _ASTRAL.search(folded):
        folded = _ASTRAL.sub(lambda m: _fold_astral(m.group()), folded)
    return folded


# --- mapping offsets back --------------------------------------------------------------------------


def _char_offsets(encoded: bytes, byte_offsets: Iterable[int]) -> dict[int, int]:
    """Character offset of each UTF-8 byte offset (each on a character boundary)."""
    result: dict[int, int] = {}
    chars = previous = 0
    for offset in sorted(set(byte_offsets)):
        chars += len(encoded[previous:offset].decode())
        result[offset] = chars
        previous = offset
    return result


def _fold_in_chunks(text: str) -> tuple[str, list[int]]:
    """The folded text, and the folded length of each `_CHUNK`-character piece of the original."""
    if len(text) <= _CHUNK:
        folded = normalise(text)
        return folded, [len(folded)]
    pieces = [normalise(text[i : i + _CHUNK]) for i in range(0, len(text), _CHUNK)]
    return "".join(pieces), [len(piece) for piece in pieces]


class _OriginalPositions:
    """Where the k-th kept (not dropped) character of a folded text sits in the original text:
    find its chunk from the chunks' folded lengths, then bisect within the chunk."""

    def __init__(self, text: str, chunk_lengths: list[int]) -> None:
        self._text = text
        self._identity = sum(chunk_lengths) == len(text)
        self._chunk_first = list(itertools.accumulate(chunk_lengths, initial=0))[:-1]

    def __getitem__(self, kept: int) -> int:
        if self._identity:
            return kept
        chunk = bisect_right(self._chunk_first, kept) - 1
        base = chunk * _CHUNK
        piece = self._text[base : base + _CHUNK]
        rank = kept - self._chunk_first[chunk]
        return base + bisect_right(range(len(piece)), rank, key=lambda i: len(normalise(piece[: i + 1])))


# --- the lexicon -----------------------------------------------------------------------------------


def _edge_kind(char: str) -> str | None:
    """Latin letters and ASCII digits form words with their neighbours; CJK characters do not."""
    if char.isascii() and char.isdigit():
        return "digit"
    if char.isascii() and char.isalpha():
        return "latin"
    return None


@dataclass(frozen=True)
class _Entry:
    word: str
    size: int  # UTF-8 bytes of the folded word
    head: str | None
    tail: str | None

    def stands_apart(self, text: str, start: int, end: int) -> bool:
        """Whether the match ``text[start:end]`` is not glued to more Latin letters or digits."""
        before = normalise(text[start - 1]) if start > 0 else ""
        after = normalise(text[end]) if end < len(text) else ""
        glued_before = self.head is not None and _edge_kind(before) == self.head
        glued_after = self.tail is not None and _edge_kind(after) == self.tail
        return not (glued_before or glued_after)


class Lexicon:
    """A compiled sensitive-word list. Build once per word list (see `lexicon_for`), scan often.

    Words that fold alike (``记者``, ``記者``) are one entry, reported under the first spelling.
    """

    def __init__(self, words: Iterable[str]) -> None:
        self.words: tuple[str, ...] = tuple(words)
        # pyahocorasick finds a node's child by a linear scan: over CJK characters the root would
        # have hundreds of children. Over UTF-8 bytes (carried in a latin-1 str) no node has more
        # than 256, and since UTF-8 is self-synchronising every byte match is a character match.
        self._automaton = ahocorasick.Automaton()
        for word in self.words:
            folded = normalise(word)
            if not folded:
                raise ValueError(f"lexicon word {word!r} has no letter or digit")
            key = folded.encode().decode("latin-1")
            if key not in self._automaton:
                entry = _Entry(word, len(key), _edge_kind(folded[0]), _edge_kind(folded[-1]))
                self._automaton.add_word(key, entry)
        if len(self._automaton):
            self._automaton.make_automaton()

    def __len__(self) -> int:
        return len(self._automaton)

    def scan(self, text: str) -> list[Match]:
        """Every lexicon word in ``text``, overlaps included, sorted by position in ``text``."""
        if not len(self._automaton):
            return []
        folded, chunk_lengths = _fold_in_chunks(text)
        encoded = folded.encode()
        hits = [
            (end + 1 - entry.size, end + 1, entry)
            for end, entry in self._automaton.iter(encoded.decode("latin-1"))
        ]
        if not hits:
            return []
        chars = _char_offsets(encoded, (offset for start, end, _ in hits for offset in (start, end)))
        original = _OriginalPositions(text, chunk_lengths)
        matches = []
        for start, end, entry in hits:
            first, last = original[chars[start]], original[chars[end] - 1]
            if entry.stands_apart(text, first, last + 1):
                matches.append(Match(entry.word, first, last + 1))
        return sorted(matches, key=lambda m: (m.start, m.end, m.word))


@functools.lru_cache(maxsize=32)
def lexicon_for(words: tuple[str, ...]) -> Lexicon:
    """The compiled lexicon for a word list, compiled once per process."""
    return Lexicon(words)


# --- display ---------------------------------------------------------------------------------------


def _merged_spans(matches: Iterable[Match]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for match in sorted(matches, key=lambda m: (m.start, m.end)):
        if spans and match.start < spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], match.end))
        else:
            spans.append((match.start, match.end))
    return spans


def highlight(
    text: str, matches: Iterable[Match], before: str = "<mark>", after: str = "</mark>"
) -> SafeString:
    """``text`` as HTML, escaped, with each run of (possibly overlapping) matches wrapped in
    ``before``/``after``, which are inserted as given."""
    parts: list[str] = []
    cursor = 0
    for start, end in _merged_spans(matches):
        parts += [escape(text[cursor:start]), before, escape(text[start:end]), after]
        cursor = end
    parts.append(escape(text[cursor:]))
    return mark_safe("".join(parts))
