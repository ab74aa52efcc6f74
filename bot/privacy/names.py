"""Person names, decided per word by a small learned model over what a reader uses: is the word a
known given name or surname (of any origin), a place, an organisation; how common it is as a Dutch or
English word; its shape (capitals, position); the words around it ("met", "heet", "mijn zoon", a
verb after it, "(16)"); and its ending (-enko, -oğlu, -ović, -ghebre). Names that are also words
("Roos", "Storm", "bakker") are decided by that context, lower-case names in chat by the same.

Words the model marks start a name; particles (van, de, el, al, ben), initials and neighbouring name
words join it. Weights: ``name_weights.json``, fitted by ``python -m bot.privacy.train`` on
``bot/labelled/pii.train.jsonl``.
"""
from __future__ import annotations

import json
import math
import re
from functools import lru_cache
from pathlib import Path

from .lexicons import Lexicons, key, lexicons
from .spans import Span

WEIGHTS = Path(__file__).with_name("name_weights.json")

TOKEN = re.compile(r"[^\W\d_](?:[^\W\d_]|['’-](?=[^\W\d_]))*\.?", re.UNICODE)
PARTICLES = {"van", "de", "der", "den", "het", "ter", "ten", "te", "el", "al", "ben", "bin", "bint", "abu", "da", "do",
             "dos", "das", "di", "von", "le", "la", "du", "des", "'t", "in", "op", "ait", "aït", "ou", "oulad", "ibn",
             "y", "e", "st", "mac", "mc", "o'"}
# Words before a name that say "a person follows" (lower case, folded); the model weighs each.
PREV_CUES = {
    "met", "heet", "heten", "genaamd", "naam", "noemt", "meneer", "mevrouw", "mevr", "dhr", "mw", "mr", "mrs", "ms",
    "juf", "meester", "collega", "buurman", "buurvrouw", "buurjongen", "buurmeisje", "zoon", "dochter", "broer", "zus",
    "broertje", "zusje", "neef", "nicht", "neefje", "nichtje", "oom", "tante", "opa", "oma", "vriend", "vriendin",
    "leerling", "leerlinge", "jongen", "meisje", "imam", "voorzitter", "secretaris", "penningmeester", "vrijwilliger",
    "vrijwilligster", "coördinator", "coordinator", "cliënt", "client", "moeder", "vader", "man", "vrouw", "partner",
    "ex", "hoi", "hallo", "hey", "hi", "dag", "beste", "groet", "groeten", "groetjes", "door", "van", "aan", "voor",
    "bij", "tegen", "zegt", "zei", "named", "called", "dear", "with", "from", "to", "contact", "bel", "mail", "appt",
    "appte", "belde", "gesproken", "sprak", "spreek", "vroeg", "en", "of", "ik", "ben", "is", "mijn", "m'n", "mn",
    "zijn", "haar", "onze", "ons", "heer", "dokter", "dr", "agent", "wijkagent", "docent", "mentor", "trainer",
    "coach", "stiefvader", "stiefmoeder", "pleegmoeder", "pleegvader", "student", "pupil", "son", "daughter",
    "brother", "sister", "mother", "father", "friend", "colleague", "teacher", "neighbour", "neighbor", "mister",
    "sir", "madam", "ms.", "kind", "jongere", "jongeren", "cousin", "uncle", "aunt", "wife", "husband", "meneer",
    "voornaam", "achternaam", "aka", "alias", "bijnaam", "hocam", "abi", "abla", "broeder", "zuster", "sheikh",
    "pastoor", "dominee", "pater", "rabbijn", "wethouder", "burgemeester", "raadslid", "bestuurslid", "lid",
}
DETERMINERS = {"de", "het", "een", "die", "deze", "dat", "dit", "onze", "jullie", "welke", "elke", "iedere", "geen",
               "the", "a", "an", "this", "that", "their", "our", "some", "any", "veel", "alle", "zo'n", "zulke"}
NEXT_CUES = {
    "zei", "zegt", "heeft", "had", "is", "was", "wil", "wilde", "belde", "appte", "vroeg", "woont", "zit", "komt",
    "kwam", "gaat", "ging", "kan", "mag", "moet", "werkt", "weet", "vindt", "vond", "doet", "deed", "en", "of",
    "said", "says", "has", "lives", "wants", "called", "told", "van", "uit", "die", "jaar", "jr", "heet", "zelf",
    "bereikbaar", "geboren", "geb", "zijn", "haar", "z'n", "d'r", "also", "ook", "nog", "zat", "stond", "liep",
}


@lru_cache(maxsize=1)
def _weights() -> dict[str, float]:
    if not WEIGHTS.exists():
        return {}
    return {k: v for k, v in json.loads(WEIGHTS.read_text(encoding="utf-8")).items() if isinstance(v, (int, float))}


def tokens(text: str) -> list[tuple[int, int, str]]:
    """Words of letters; letters glued to digits ("90840bdd0ab9", "covid19") are no word, so no name."""
    out = []
    for m in TOKEN.finditer(text):
        s, e = m.start(), m.end()
        if (s > 0 and text[s - 1].isdigit()) or (e < len(text) and text[e].isdigit()):
            continue
        out.append((s, e, m.group(0)))
    return out


def _zbin(z: float) -> str:
    return "0" if z < 1 else "1" if z < 2 else "2" if z < 3 else "3" if z < 4 else "4" if z < 5 else "5"


def _sentence_start(text: str, start: int) -> bool:
    before = text[:start].rstrip(" \t\"'(“‘*-")
    return not before or before[-1] in ".!?\n:;" or before.endswith((":", "•"))


def features(text: str, toks: list[tuple[int, int, str]], i: int, lex: Lexicons) -> dict[str, float]:
    s, e, w = toks[i]
    word = w.rstrip(".")
    k = key(word)
    parts = [key(p) for p in re.split(r"[-'’]", word) if p]
    f: dict[str, float] = {"bias": 1.0}
    given = k in lex.given
    surname = k in lex.surnames
    place = k in lex.places
    nonname = k in lex.nonnames
    cap = word[:1].isupper()
    lower = word.islower()
    allcaps = word.isupper() and len(word) > 1
    z_nl = lex.zipf(k, "nl")
    z_en = lex.zipf(k, "en")
    start = _sentence_start(text, s)
    for name, on in (("given", given), ("surname", surname), ("place", place), ("nonname", nonname),
                     ("cap", cap), ("lower", lower), ("allcaps", allcaps), ("start", start),
                     ("short", len(word) <= 2), ("long", len(word) >= 9), ("hyphen", "-" in word),
                     ("apos", "'" in word or "’" in word), ("initial", len(word) == 1 and w.endswith("."))):
        if on:
            f[name] = 1.0
    if len(parts) > 1:
        if any(p in lex.given or p in lex.surnames for p in parts):
            f["part_name"] = 1.0
        if any(p in lex.places or p in lex.nonnames for p in parts):
            f["part_place"] = 1.0
    word_in_dict = lex.in_dictionary(word)
    if word_in_dict:
        f["dict"] = 1.0
        f["dict&" + ("cap" if cap else "lower")] = 1.0
        if given or surname:
            f["dict&lex&" + ("cap" if cap else "lower")] = 1.0
    elif lex.proper_only(word):
        f["proper"] = 1.0
    elif lex.compound(word):
        f["compound"] = 1.0
    elif word_in_dict is not None and len(parts) == 1:
        f["unknown_word"] = 1.0
    f["znl=" + _zbin(z_nl)] = 1.0
    f["zen=" + _zbin(z_en)] = 1.0
    common = max(z_nl, z_en)
    f["common"] = common / 8.0
    # interactions the linear model cannot form itself
    if given or surname:
        f["lex&cap" if cap else "lex&lower"] = 1.0
        f["lex&z" + _zbin(common)] = 1.0
        # a lower-case word that is also a surname ("bakker", "voogd") is a word far more often than a name
        f[("given" if given else "surname_only") + ("&cap" if cap else "&lower") + "&z" + _zbin(common)] = 1.0
        if cap and not start:
            f["lex&cap&mid"] = 1.0
    if cap and not start:
        f["cap&mid&z" + _zbin(common)] = 1.0
    if cap and start:
        f["cap&start&z" + _zbin(common)] = 1.0
    if lower:
        f["lower&z" + _zbin(common)] = 1.0
    # context
    prev = key(toks[i - 1][2].rstrip(".")) if i > 0 and s - toks[i - 1][1] <= 3 else None
    prev2 = key(toks[i - 2][2].rstrip(".")) if i > 1 and prev is not None else None
    nxt = key(toks[i + 1][2].rstrip(".")) if i + 1 < len(toks) and toks[i + 1][0] - e <= 3 else None
    if prev in PREV_CUES:
        f["prev=" + prev] = 1.0
    if prev in DETERMINERS:  # "de bakker", "een sultan", "het mes": a word, unless a capitalised particle
        f["prev_det&" + ("cap" if cap else "lower")] = 1.0
        if given or surname:
            f["prevcue&lex"] = 1.0
    if prev2 is not None and prev2 + " " + prev in ("ik ben", "naam is", "heet is", "mijn naam", "is genaamd",
                                                  "my name", "name is", "i am", "this is", "dit is", "hier is"):
        f["prev2=" + prev2 + " " + prev] = 1.0
    if prev in PARTICLES:
        f["prev_particle"] = 1.0
    if i > 0 and prev is not None and toks[i - 1][2][:1].isupper() and not _sentence_start(text, toks[i - 1][0]):
        f["prev_cap"] = 1.0
        pk = key(toks[i - 1][2].rstrip("."))
        if pk in lex.given:
            f["prev_given"] = 1.0
    if i > 0 and len(toks[i - 1][2]) == 2 and toks[i - 1][2].endswith("."):
        f["prev_initial"] = 1.0
    if nxt in NEXT_CUES:
        f["next=" + nxt] = 1.0
    if nxt is not None and i + 1 < len(toks):
        nw = toks[i + 1][2]
        if nw[:1].isupper():
            f["next_cap"] = 1.0
            if key(nw.rstrip(".")) in lex.surnames:
                f["next_surname"] = 1.0
        if nxt in PARTICLES:
            f["next_particle"] = 1.0
        if len(nw) == 2 and nw.endswith("."):
            f["next_initial"] = 1.0
    after = text[e:e + 8]
    if re.match(r"\s*\(\s*\d{1,2}\s*(?:jaar|jr|j)?\s*\)", after):
        f["next_age"] = 1.0
    if re.match(r"\s*,\s*\d{1,2}\b", after) or re.match(r"\s+\d{1,2}\s*(?:jaar|jr)\b", after):
        f["next_age"] = 1.0
    if after[:1] == ",":
        f["next_comma"] = 1.0
    if text[max(0, s - 1):s] == "@":
        f["after_at"] = 1.0
    for n in (2, 3, 4):
        if len(k) > n + 1:
            f[f"s{n}=" + k[-n:]] = 1.0
    return f


def probability(f: dict[str, float], weights: dict[str, float]) -> float:
    z = sum(weights.get(name, 0.0) * v for name, v in f.items())
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


_PLACEHOLDER = re.compile(r"\[[A-Z]+\]")
# Words that make the capitalised words beside them the name of a place, building or organisation,
# not of a person: "Stichting Al Amal", "Bakkerij De Roos", "de Al Fath moskee", "speeltuin De Wolf".
ORG_BEFORE = {"stichting", "vereniging", "bakkerij", "slagerij", "kapsalon", "winkel", "restaurant", "cafe", "café",
              "moskee", "kerk", "synagoge", "tempel", "mandir", "gurdwara", "school", "basisschool", "college",
              "speeltuin", "buurthuis", "wijkcentrum", "jongerencentrum", "sportclub", "voetbalclub", "vv", "sv",
              "platform", "project", "programma", "fonds", "huis", "centrum", "camping", "hotel", "zaal", "galerie",
              "theater", "bibliotheek", "apotheek", "praktijk", "firma", "bedrijf", "supermarkt", "cami", "camii",
              "mosque", "church", "foundation", "club", "team", "stadion", "park", "wijk", "buurt", "straat", "plein"}
ORG_AFTER = ORG_BEFORE | {"stichting", "moskee", "kerk", "school", "college", "lyceum", "gymnasium", "instituut",
                          "academie", "groep", "fc", "bv", "b.v", "nv", "vof", "foundation", "mosque", "church"}
_STREETISH = re.compile(r"(?:straat|laan|weg|plein|gracht|kade|singel|dijk|hof|park|pad|steeg|dreef|plantsoen|markt|"
                        r"school|college|lyceum|moskee|kerk|ziekenhuis|centrum|stichting|brug|bos|huis)$", re.I)


STRONG_CUES = {"met", "heet", "heten", "genaamd", "meneer", "mevrouw", "juf", "meester", "named", "called", "hoi",
               "hallo", "hey", "beste", "dear"}


def _plain_word(text: str, toks: list[tuple[int, int, str]], i: int, lex: Lexicons) -> bool:
    """A lower-case dictionary word, compound or common English word that is no known given name is a word
    ("bakker", "fraudecontroles", "communities"), unless it follows a name or a strong cue ("j. visser",
    "met bakker"). Given names ("kees", "iris") are left to the model: chat writes them in lower case."""
    w = toks[i][2].rstrip(".")
    k = key(w)
    if w[:1].isupper() and not w.isupper() and _sentence_start(text, toks[i][0]):
        # "Bel Yonas ...", "Vraag meneer ...": a capital at the start of a sentence says nothing; a dictionary
        # word there that is no given name is a word
        return k not in lex.given and bool(lex.in_dictionary(w)) and not lex.proper_only(w)
    if not w.islower():
        return False
    after_determiner = i > 0 and key(toks[i - 1][2]) in DETERMINERS and _joined(text, toks[i - 1], toks[i])
    if k in lex.given and not (after_determiner and lex.in_dictionary(w)):  # "de roos", "de storm": words
        return False
    if not (lex.in_dictionary(w) or lex.compound(w) or lex.zipf(k, "en") >= 3.5 or _english_form(k, lex)):
        return False
    if i > 0 and _joined(text, toks[i - 1], toks[i]):
        prev = toks[i - 1][2]
        pk = key(prev.rstrip("."))
        if pk in STRONG_CUES or (len(prev) == 2 and prev.endswith(".")) or (pk in lex.given and pk not in PARTICLES
                                                                              and pk not in DETERMINERS):
            return False
        if pk in PARTICLES and i > 1 and _joined(text, toks[i - 2], toks[i - 1]):  # "j. de vries", "piet de boer"
            before = toks[i - 2][2]
            if (len(before) == 2 and before.endswith(".")) or key(before.rstrip(".")) in lex.given:
                return False
    return True


_EN_SUFFIXES = ("ising", "izing", "ing", "ism", "ist", "ists", "ation", "ations", "tion", "ness", "ment", "ments",
                "ity", "ised", "ized", "ed", "es", "s", "ly", "er", "ers")


def _english_form(k: str, lex: Lexicons) -> bool:
    """An inflected English word ("radicalising", "communities"): its stem is a common English word."""
    for suffix in _EN_SUFFIXES:
        if k.endswith(suffix) and len(k) - len(suffix) >= 4:
            stem = k[: -len(suffix)]
            if max(lex.zipf(stem, "en"), lex.zipf(stem + "e", "en"), lex.zipf(stem + "ise", "en"),
                   lex.zipf(stem + "ize", "en"), lex.zipf(stem + "y", "en")) >= 3.0:
                return True
    return False


def _surname_position(toks: list[tuple[int, int, str]], i: int, lex: Lexicons) -> bool:
    """Right after a given name, or after a particle that follows one ("Sanne van Beek", "Mees ter Beek")."""
    j = i - 1
    while j >= 0 and key(toks[j][2]) in PARTICLES and toks[j][2].islower():
        j -= 1
    if j < 0 or j == i - 1 and False:
        return False
    prev = toks[j][2].rstrip(".")
    return (key(prev) in lex.given and (prev[:1].isupper() or toks[i][2][:1].islower())) or \
        (len(toks[j][2]) == 2 and toks[j][2].endswith("."))


def _not_a_person(toks: list[tuple[int, int, str]], i: int, lex: Lexicons) -> bool:
    """Place, organisation and street words, and capitalised words that belong to such a name."""
    w = toks[i][2].rstrip(".")
    k = key(w)
    parts = [key(p) for p in re.split(r"[-'’]", w) if p]
    if _STREETISH.search(k) or (len(parts) > 1 and (parts[-1] in ORG_AFTER or parts[-1] in lex.nonnames)):
        return True
    if (k in lex.places or k in lex.nonnames or (len(parts) > 1 and parts[0] in lex.places)) \
            and not _surname_position(toks, i, lex):
        return True
    # an organisation or street word right after the capitalised words ("Al Fath moskee", "De Wolf speeltuin")
    for j in range(i + 1, min(len(toks), i + 4)):
        nk = key(toks[j][2].rstrip("."))
        if nk in ORG_AFTER or _STREETISH.search(nk):
            return True
        if not toks[j][2][:1].isupper():
            break
    # or an organisation word right before them ("Stichting Al Amal", "Bakkerij De Roos", "speeltuin De Wolf")
    j = i - 1
    while j >= 0 and j >= i - 2 and (toks[j][2][:1].isupper() or key(toks[j][2]) in PARTICLES) \
            and key(toks[j][2]) not in ORG_BEFORE:
        j -= 1
    return j >= 0 and j >= i - 3 and key(toks[j][2].rstrip(".")) in ORG_BEFORE


# Shapes that are names whatever the words: initials before a capitalised surname ("H. van Dalen",
# "M. el Amrani"), and a title before one ("mevrouw Bakker", "dhr. De Vries").
_P = r"(?:van|de|der|den|el|al|ter|ten|ben|bin|abu|da|dos|von|le|la|'t|in 't|van de|van der|van den)"
_SURNAME = r"[A-ZÀ-ÝĀ-Ž][\w'’-]+(?:[- ][A-ZÀ-ÝĀ-Ž][\w'’-]+)?"
NAME_SHAPES = re.compile(
    r"(?<![\w.])(?:[A-ZÀ-ÝĀ-Ž]\.\s?){1,3}(?:" + _P + r"\s)?" + _SURNAME
    + r"|(?<![\w])(?:meneer|mevrouw|mevr\.?|dhr\.?|mw\.?|mr\.?|mrs\.?|ms\.?|juf|meester|dokter|dr\.?|imam|hocam)\s"
    r"(?:" + _P + r"\s)?(?:[A-ZÀ-ÝĀ-Ž]\.\s?)?" + _SURNAME
    # in chat: a title, a particle and a lower-case surname ("meneer van der linden")
    + r"|(?<![\w])(?i:meneer|mevrouw|mevr\.?|dhr\.?|mw\.?|juf|meester)\s(?:van|de|ter|ten|el|al)(?:\s(?:de|der|den))?"
      r"\s[a-zà-ÿ][\w'’-]+", re.UNICODE)
# A role before a capitalised surname: "wijkagent De Boer", "imam Yilmaz", "collega Van Dijk".
ROLES = ("wijkagent|agent|agente|docent|docente|leraar|lerares|mentor|mentrix|imam|hoca|dominee|pastoor|pastor|"
         "rabbijn|voorzitter|secretaris|penningmeester|wethouder|burgemeester|raadslid|collega|buurman|buurvrouw|"
         "jongerenwerker|coördinator|coordinator|trainer|coach|directeur|rector|conciërge|ouderling|diaken|bestuurder|"
         "officer|teacher|colleague|neighbour|neighbor")
ROLE_NAME = re.compile(r"(?<![\w])(?i:" + ROLES + r")\s((?:(?:De|Van|El|Al|Ten|Ter|Van der|Van den|Van de)\s)?"
                       r"[A-ZÀ-ÝĀ-Ž][\w'’-]+(?:\s[A-ZÀ-ÝĀ-Ž][\w'’-]+)?)", re.UNICODE)
_TITLE = re.compile(r"^(?:meneer|mevrouw|mevr\.?|dhr\.?|mw\.?|mr\.?|mrs\.?|ms\.?|juf|meester|dokter|dr\.?|imam|hocam)\s",
                    re.I)


def shaped_names(text: str, lex: Lexicons) -> list[Span]:
    out = []
    for m in NAME_SHAPES.finditer(text):
        start = m.start()
        title = _TITLE.match(m.group(0))
        if title:
            start += title.end()
        surname = m.group(0).split()[-1].rstrip(".")
        particle = len(m.group(0).split()) > 2
        if (title and not particle and key(surname) in lex.places) or key(surname) in lex.nonnames or _STREETISH.search(key(surname)):
            continue
        out.append(Span(start, m.end() - (1 if m.group(0).endswith(".") else 0), "NAAM"))
    for m in ROLE_NAME.finditer(text):
        words = m.group(1).split()
        particle = len(words) > 1 and key(words[0]) in PARTICLES
        # "wijkagent Rotterdam-Zuid", "docent Nederlands": a place or a subject, unless a particle says surname
        if not particle and any(key(w) in lex.places or key(w) in lex.nonnames or _STREETISH.search(key(w))
                                or lex.in_dictionary(w) for w in words):
            continue
        out.append(Span(m.start(1), m.end(1), "NAAM"))
    return out


def find_names(text: str, threshold: float | None = None, lex: Lexicons | None = None,
               weights: dict[str, float] | None = None) -> list[Span]:
    lex = lex or lexicons()
    weights = _weights() if weights is None else weights
    threshold = weights.get("__threshold__", 0.5) if threshold is None else threshold
    toks = tokens(text)
    if not toks:
        return []
    blocked = _multiword_blocks(text, lex)
    probs = []
    for i, (s, e, w) in enumerate(toks):
        word = w.rstrip(".")
        if len(word) < 2 and not w.endswith(".") or any(b <= s < c for b, c in blocked):
            probs.append(0.0)
            continue
        if len(word) == 1:  # an initial only joins a name
            probs.append(0.0)
            continue
        if key(word) in PARTICLES and word.islower():
            probs.append(0.0)
            continue
        if _not_a_person(toks, i, lex) or _plain_word(text, toks, i, lex):
            probs.append(0.0)
            continue
        probs.append(probability(features(text, toks, i, lex), weights))
    low = weights.get("__join__", threshold * 0.6)
    seeds = [i for i, p in enumerate(probs) if p >= threshold]
    chosen = set(seeds)
    for i in seeds:
        # grow right: particles followed by a name-like word, name-like words, an initial
        j = i + 1
        while j < len(toks) and _joined(text, toks[j - 1], toks[j]):
            w = toks[j][2]
            k = key(w.rstrip("."))
            if probs[j] >= low or (w[:1].isupper() and (k in lex.surnames or k in lex.given)
                                   and not _not_a_person(toks, j, lex)
                                   and not any(b <= toks[j][0] < c for b, c in blocked)):
                chosen.add(j)
            elif k in PARTICLES and j + 1 < len(toks) and (toks[j + 1][2][:1].isupper() or probs[j + 1] >= low
                                                           or key(toks[j + 1][2]) in lex.surnames):
                chosen.add(j)
            elif len(w) == 2 and w.endswith(".") and w[0].isalpha():
                chosen.add(j)
                break
            else:
                break
            j += 1
        # grow left: initials and particles before the name ("M. el Amrani", "j. de vries")
        j = i - 1
        while j >= 0 and _joined(text, toks[j], toks[j + 1]):
            w = toks[j][2]
            k = key(w.rstrip("."))
            if len(w) == 2 and w.endswith(".") and w[0].isupper():
                chosen.add(j)
            elif k in PARTICLES and j > 0 and (len(toks[j - 1][2]) == 2 and toks[j - 1][2].endswith(".")
                                               or probs[j - 1] >= low):
                chosen.add(j)
            elif probs[j] >= low:
                chosen.add(j)
            else:
                break
            j -= 1
    spans = []
    for i in sorted(chosen):
        s, e, w = toks[i]
        if w.endswith(".") and len(w) > 2:  # a sentence end, not an initial
            e -= 1
        if spans and i - 1 in chosen and _joined(text, toks[i - 1], toks[i]):
            spans[-1] = Span(spans[-1].start, e, "NAAM")
        else:
            spans.append(Span(s, e, "NAAM"))
    spans += shaped_names(text, lex)
    return [sp for sp in spans if not _PLACEHOLDER.fullmatch(text[sp.start:sp.end])]


def _joined(text: str, a: tuple[int, int, str], b: tuple[int, int, str]) -> bool:
    """Two words of one name: only a space (or nothing after an initial's dot) between them."""
    between = text[a[1]:b[0]]
    return between in (" ", "") or (between == "  ")


def _multiword_blocks(text: str, lex: Lexicons) -> list[tuple[int, int]]:
    """Character ranges of multi-word places and organisations ("Veilig Thuis", "Hoorn van Afrika")."""
    low = key(text)
    out = []
    if len(low) != len(text):  # folding changed lengths (rare ligatures): positions would not line up
        return out
    for phrase in lex.multiword_places + lex.multiword_nonnames:
        start = 0
        while True:
            j = low.find(phrase, start)
            if j < 0:
                break
            end = j + len(phrase)
            if (j == 0 or not low[j - 1].isalnum()) and (end == len(low) or not low[end].isalnum()):
                out.append((j, end))
            start = j + 1
    return out
