"""jieba's dictionary in a compact form: the word list the headline segmenter looks words up in.

jieba keeps its 349,000 words in a dict of 500,000 entries (every prefix too) that takes 0.5 s and
65 MB to build or load, in every process. Here the words are one sorted string with offsets and
frequencies (5 MB), searched by bisection; it is built once from jieba's own dict.txt and kept in
the user's cache folder (`$XDG_CACHE_HOME/layout`, else ~/.cache/layout), keyed by jieba's version
and the dictionary's size, so a later process reads it in a few milliseconds. The file holds only
numbers and text and is checked when read; if it cannot be read or written the dictionary is
built in memory instead.

The house adds words of its own (`[lexicon] words` in styles/house.toml: place names and words of
district news that jieba lacks) with `Lexicon.with_words`, in memory: the cache file stays jieba's.
"""
from __future__ import annotations

import os
import struct
import tempfile
from array import array
from bisect import bisect_left
from importlib.metadata import version
from importlib.util import find_spec
from itertools import accumulate
from pathlib import Path

__all__ = ["Lexicon", "load"]

_MAGIC = b"LAYLEX01"
_HEADER = struct.Struct("<8sII")  # magic, words, UTF-8 bytes of the words
_NUMBERS = "I"  # unsigned 32-bit: offsets and frequencies
# A house word counts as often as a common word of jieba's (街道 has 14,000), so the segmenter takes it
# whole rather than as the words or characters it is made of.
HOUSE_WORD_FREQ = 10_000


class Lexicon:
    """Sorted words with their frequencies: `get` as a dict's, `probe` for prefixes."""

    def __init__(self, text: str, offsets: array, freqs: array, extra: dict[str, int] | None = None) -> None:
        self._text, self._offsets, self._freqs = text, offsets, freqs
        self._extra = extra or {}  # the house's words, over jieba's
        self._extra_prefixes = frozenset(w[:k] for w in self._extra for k in range(1, len(w)))
        self.total = sum(freqs) + sum(self._extra.values())

    def with_words(self, words: tuple[str, ...] | list[str]) -> Lexicon:
        """This lexicon with `words` added (a word jieba has keeps its frequency if it is higher)."""
        extra = {w: max(HOUSE_WORD_FREQ, self.get(w) or 0) for w in words}
        return Lexicon(self._text, self._offsets, self._freqs, {**self._extra, **extra})

    def __len__(self) -> int:
        return len(self._freqs)

    def __getitem__(self, k: int) -> str:  # the k-th word: bisect searches the Lexicon itself
        return self._text[self._offsets[k]:self._offsets[k + 1]]

    def get(self, word: str, default: int | None = None) -> int | None:
        if word in self._extra:
            return self._extra[word]
        k = bisect_left(self, word)
        return self._freqs[k] if k < len(self) and self[k] == word else default

    def probe(self, prefix: str) -> int | None:
        """The frequency of `prefix` as a word, 0 if it only begins longer words, None if no word
        begins with it (one search for both, as the segmenter extends a candidate word)."""
        if prefix in self._extra:
            return self._extra[prefix]
        found = self._probe(prefix)
        return 0 if found is None and prefix in self._extra_prefixes else found

    def _probe(self, prefix: str) -> int | None:
        k = bisect_left(self, prefix)
        if k == len(self):
            return None
        word = self[k]
        if word == prefix:
            return self._freqs[k]
        return 0 if word.startswith(prefix) else None


def _jieba_dict() -> Path:
    # Found without importing jieba (its import loads HMM tables the segmenter does not use).
    spec = find_spec("jieba")
    assert spec is not None and spec.submodule_search_locations, "jieba is a dependency (pyproject.toml)"
    return Path(next(iter(spec.submodule_search_locations))) / "dict.txt"


def _build(source: Path) -> Lexicon:
    fields = source.read_text(encoding="utf-8").split()  # word, frequency, part of speech
    freq = dict(zip(fields[0::3], map(int, fields[1::3])))
    words = sorted(freq)
    return Lexicon("".join(words), array(_NUMBERS, accumulate(map(len, words), initial=0)),
                   array(_NUMBERS, (freq[w] for w in words)))


def _encode(lex: Lexicon) -> bytes:
    text = lex._text.encode("utf-8")
    return _HEADER.pack(_MAGIC, len(lex), len(text)) + text + lex._offsets.tobytes() + lex._freqs.tobytes()


def _decode(data: bytes) -> Lexicon | None:
    """The lexicon of a cache file, None if it is not one (truncated, another format)."""
    if len(data) < _HEADER.size:
        return None
    magic, n, size = _HEADER.unpack_from(data)
    width = array(_NUMBERS).itemsize
    start = _HEADER.size
    if magic != _MAGIC or len(data) != start + size + (2 * n + 1) * width or n == 0:
        return None
    offsets, freqs = array(_NUMBERS), array(_NUMBERS)
    offsets.frombytes(data[start + size:start + size + (n + 1) * width])
    freqs.frombytes(data[start + size + (n + 1) * width:])
    try:
        text = data[start:start + size].decode("utf-8")
    except UnicodeDecodeError:
        return None
    if offsets[0] != 0 or offsets[-1] != len(text):
        return None
    return Lexicon(text, offsets, freqs)


def _cache_file(source: Path) -> Path:
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return root / "layout" / f"jieba-{version('jieba')}-{source.stat().st_size}.lexicon"


def load() -> Lexicon:
    """jieba's dictionary, from the cache file when there is a good one (written if not)."""
    source = _jieba_dict()
    cache = _cache_file(source)
    try:
        found = _decode(cache.read_bytes())
    except OSError:
        found = None
    if found is not None:
        return found
    lex = _build(source)
    part = None
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=cache.parent, prefix=cache.name, suffix=".part", delete=False) as f:
            part = Path(f.name)
            f.write(_encode(lex))
        os.replace(part, cache)  # whole or not at all, whatever other processes do meanwhile
    except OSError:  # a read-only home: the dictionary is built again next time
        if part is not None:
            part.unlink(missing_ok=True)
    return lex
