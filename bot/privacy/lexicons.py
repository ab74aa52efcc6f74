"""Word lists the name finder consults, loaded once per process (a few tens of MB).

- given names and surnames: deduce's Dutch lookup lists (read from the installed package; deduce's
  own engine is not loaded, it cost ~1 GB per process) and the project's lists of names of the
  origins common in the Netherlands (``data/names``);
- places: deduce's residences, municipalities, provinces and regions, and ``data/places.txt``
  (countries, world cities, neighbourhoods, regions such as Midden-Oosten);
- words that are capitalised but no person (``data/nonnames.txt``);
- how common a word is in Dutch and English (``wordfreq``, Zipf scale 0-8, offline data);
- whether the Dutch word list (OpenTaal, Debian's ``wdutch``: ``/usr/share/dict/nederlands``) has the
  word in lower case ("kern", "roos": a word) or only capitalised ("Laura": a name). Frequency cannot
  tell them apart (in wordfreq "laura" and "kern" are equally common). Kept as a sorted array of
  64-bit hashes (about 3 MB, not 45 MB of strings).
"""
from __future__ import annotations

import hashlib
import logging
import os
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

log = logging.getLogger(__name__)

DATA = Path(__file__).with_name("data")
WORDLIST = Path(os.environ.get("ESSBOT_WORDLIST", "/usr/share/dict/nederlands"))


def key(word: str) -> str:
    """Lookup form: lower case, accents kept off, curly apostrophes straight."""
    w = unicodedata.normalize("NFKD", word.lower().replace("’", "'"))
    return "".join(c for c in w if not unicodedata.combining(c)).replace("ı", "i").replace("ł", "l")


def _read(path: Path) -> set[str]:
    if not path.exists():
        return set()
    out = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            out.add(key(line))
    return out


def _deduce_dir() -> Path | None:
    try:
        import importlib.util

        spec = importlib.util.find_spec("deduce")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0]) / "data" / "lookup" / "src"


@dataclass(frozen=True)
class Lexicons:
    given: frozenset[str]
    surnames: frozenset[str]
    places: frozenset[str]
    nonnames: frozenset[str]
    multiword_places: tuple[str, ...]
    multiword_nonnames: tuple[str, ...]
    lower_words: "object"  # sorted np.uint64 hashes of the word list's lower-case entries (None: no list)
    proper_words: "object"  # ... of entries that occur only capitalised

    def zipf(self, word: str, lang: str = "nl") -> float:
        return _zipf(key(word), lang)

    def in_dictionary(self, word: str) -> bool | None:
        """The lower-case form is a Dutch dictionary word; None when no word list is installed."""
        return None if self.lower_words is None else _has(self.lower_words, word.lower())

    def compound(self, word: str) -> bool:
        """Two dictionary words joined ("migratiekant", "fraudecontroles"): Dutch makes compounds at will,
        and no list holds them all."""
        if self.lower_words is None or len(word) < 7:
            return False
        w = word.lower()
        for i in range(3, len(w) - 2):
            left, right = w[:i], w[i:]
            if _has(self.lower_words, left) and (_has(self.lower_words, right) or
                                                 (right[:1] in "s" and _has(self.lower_words, right[1:])) or
                                                 _has(self.lower_words, right.rstrip("s")) or
                                                 _has(self.lower_words, right.removesuffix("en"))):
                return True
        return False

    def proper_only(self, word: str) -> bool | None:
        return None if self.proper_words is None else _has(self.proper_words, word.lower())


def _h(word: str) -> int:
    return int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little")


def _has(table, word: str) -> bool:
    import numpy as np

    h = np.uint64(_h(word))
    i = int(np.searchsorted(table, h))
    return i < len(table) and table[i] == h


def _wordlist() -> tuple[object, object]:
    import numpy as np

    if not WORDLIST.exists():
        log.warning("no Dutch word list at %s (Debian package wdutch): names that are also words are judged "
                    "with less information", WORDLIST)
        return None, None
    lower, proper = set(), set()
    for line in WORDLIST.read_text(encoding="utf-8", errors="ignore").splitlines():
        w = line.strip()
        if not w or " " in w:
            continue
        (lower if w.islower() else proper).add(w.lower())
    proper -= lower
    as_array = lambda words: np.sort(np.fromiter((_h(w) for w in words), dtype=np.uint64, count=len(words)))
    return as_array(lower), as_array(proper)


@lru_cache(maxsize=200_000)
def _zipf(word: str, lang: str) -> float:
    try:
        from wordfreq import zipf_frequency
    except ImportError:  # without wordfreq every word counts as rare: names are over-, never under-redacted
        return 0.0
    return zipf_frequency(word, lang)


_lock = threading.Lock()
_cached: Lexicons | None = None


def lexicons() -> Lexicons:
    global _cached
    with _lock:
        if _cached is None:
            _cached = _load()
        return _cached


def _load() -> Lexicons:
    given, surnames, places = set(), set(), set()
    d = _deduce_dir()
    if d is not None and d.exists():
        # deduce's exceptions are entries that are far more often words ("Bel", "Broer", "Dag")
        given |= _read(d / "names" / "lst_first_name" / "items.txt") - _read(d / "names" / "lst_first_name" /
                                                                              "exceptions.txt")
        surnames |= _read(d / "names" / "lst_surname" / "items.txt") - _read(d / "names" / "lst_surname" /
                                                                             "exceptions.txt")
        for sub in ("lst_residence", "lst_municipality", "lst_province", "lst_region"):
            places |= _read(d / "locations" / "lst_placename" / sub / "items.txt")
    else:
        log.warning("deduce's name lists are not installed; using the project's lists only")
    for f in (DATA / "names").glob("given_*.txt"):
        given |= _read(f)
    for f in (DATA / "names").glob("surname_*.txt"):
        surnames |= _read(f)
    places |= _read(DATA / "places.txt")
    nonnames = _read(DATA / "nonnames.txt")
    lower_words, proper_words = _wordlist()
    return Lexicons(frozenset(given), frozenset(surnames), frozenset(places), frozenset(nonnames),
                    tuple(sorted((p for p in places if " " in p), key=len, reverse=True)),
                    tuple(sorted((p for p in nonnames if " " in p), key=len, reverse=True)),
                    lower_words, proper_words)
