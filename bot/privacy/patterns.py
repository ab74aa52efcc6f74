"""Personal data that has a shape: e-mail (also written around filters), phone numbers of any
country, BSN (11-test, or any 8-9 digits after the word BSN), IBAN (mod-97), licence plates in
any case, postcodes, street addresses, dates of birth, social-media handles, and the class and
school that identify a minor.

Each finder returns ``Span``s on the original text. Service numbers (112, 113, 0800-...) are
never personal data; amounts, years and counts stay.
"""
from __future__ import annotations

import re
from datetime import date

from .lexicons import lexicons
from .spans import Span


def _zipf(word: str) -> float:
    lex = lexicons()
    return max(lex.zipf(word, "nl"), lex.zipf(word, "en"))

SERVICE_NUMBERS = {"112", "113", "08000113", "09008844", "08007000", "08002000", "144", "09001450", "0800113",
                   "116111", "0900113", "116000", "08001351", "09001231230"}


def bsn_valid(digits: str) -> bool:
    if len(digits) == 8:
        digits = "0" + digits
    if len(digits) != 9 or not digits.isdigit() or digits == "000000000":
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1))) - int(digits[8])
    return total % 11 == 0


def iban_valid(iban: str) -> bool:
    s = re.sub(r"[\s.-]", "", iban).upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}", s):
        return False
    moved = s[4:] + s[:4]
    return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1


_I = re.I | re.UNICODE

# --- e-mail, plain and written around filters ("naam(at)mail(dot)com", "naam at gmail punt com")
_AT = r"(?:@|\s?[\(\[\{<]\s?(?:at|a|apenstaartje|@)\s?[\)\]\}>]\s?|\s(?:at|apenstaartje)\s)"
_DOT = r"(?:\.|\s?[\(\[\{<]\s?(?:dot|punt|\.)\s?[\)\]\}>]\s?|\s(?:dot|punt)\s)"
_TLD = r"(?:nl|be|com|org|net|eu|de|fr|uk|co\.uk|info|nu|tr|ma|io|me|edu|gov|ua|pl|es|it)"
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]*\w" + _AT + r"[\w-]+(?:" + _DOT + r"[\w-]+)*" + _DOT + _TLD + r"\b", _I)
EMAIL_PLAIN = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
EMAIL_SPACED = re.compile(r"(?<![\w.+-])[\w.+-]*\w\s@\s[\w-]+(?:\s?\.\s?[\w-]+)*\s?\.\s?" + _TLD + r"\b", _I)

# --- phone numbers: Dutch forms, and any country code with 7-12 more digits in groups
_SEP = r"(?:\s?[./–-]\s?|\s)?"
PHONE = re.compile(
    r"(?<![\w+])(?:"
    r"(?:\+|00)\s?\d{1,3}" + r"(?:\s?\(0\))?" + r"(?:" + _SEP + r"\(?\d{1,4}\)?){2,6}"  # +44 20 7946 0958, 0032 ...
    r"|\(?0\d{1,3}\)?" + r"(?:" + _SEP + r"\d{1,4}){2,5}"  # 06-12345678, (010) 4 77 12 98, 020 - 555 0193
    r"|06" + _SEP + r"\d{8}"
    r")(?![\w])")

# --- BSN: with separators; the word BSN (burgerservicenummer, sofinummer) before it makes any 8-9 digits one
# digits glued to letters ("c218209289ac", a reference code) are no BSN
BSN_SHAPE = re.compile(r"(?<![\w.,-])\d{3}[\s.-]?\d{3}[\s.-]?\d{3}(?!\w|[.,]\d)|(?<![\w.,-])\d{4}[\s.-]?\d{2}[\s.-]?\d{3}(?!\w|[.,]\d)"
                       r"|(?<![\w.,-])\d{2}[\s.-]?\d{2}[\s.-]?\d{2}[\s.-]?\d{3}(?!\w|[.,]\d)")
# after the word BSN (or its long forms), any 8-9 digits within a few words, whatever separates them
BSN_CUED = re.compile(r"\b(?:bsn|burgerservicenummer|burger\s?service\s?nummer|sofi[- ]?nummer|sofinr)\b"
                      r"[^\d\n]{0,40}?(\d(?:[\s.-]{0,2}\d){7,8})(?!\d)", _I)

IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[\s.-]?[A-Z0-9]{4}){2,7}(?:[\s.-]?[A-Z0-9]{1,3})?\b", _I)

# --- licence plates: every Dutch side code, with or without dashes, in any case
_SIDECODES = ["LL-99-99", "99-99-LL", "99-LL-99", "LL-99-LL", "LL-LL-99", "99-LL-LL", "99-LLL-9", "9-LLL-99",
              "LL-999-L", "L-999-LL", "LLL-99-L", "L-99-LLL", "9-LL-999", "999-LL-9"]


def _sidecode(code: str, dashes: str) -> str:
    parts = [("[A-Z]" if p[0] == "L" else r"\d") + "{%d}" % len(p) for p in code.split("-")]
    return dashes.join(parts)


PLATE_DASHED = re.compile(r"(?<![\w-])(?:" + "|".join(_sidecode(c, r"(?:\s?-\s?|\s)") for c in _SIDECODES)
                          + r")(?![\w-])", _I)
PLATE_BARE = re.compile(r"(?<![\w-])(?:" + "|".join(_sidecode(c, "") for c in _SIDECODES) + r")(?![\w-])", _I)
PLATE_CUE = re.compile(r"\b(?:kenteken\w*|nummerbord\w*|plate|plates|registration|plaat|number plate)\b", _I)
# Plates whose letters happen to spell a unit or a common token are no plates without a cue.
_NOT_PLATE = re.compile(r"^\d+(?:km|kg|mg|ml|gb|mb|cm|mm|ha|pm|am|uur|jr|mp|th|st|nd|rd|x)$|^mp\d$|^[a-z]{2}\d{2,4}$", _I)

POSTCODE = re.compile(r"(?<![\w-])[1-9]\d{3}\s?(?!SA|SD|SS|sa|sd|ss)[A-Za-z]{2}(?![\w-])")
# lower case letters after four digits are often a unit or a word ("2000 km", "1500 en"); capitals never are
_POSTCODE_UNIT = re.compile(r"^\d{4}\s?(?:km|kg|mg|ml|gb|mb|cm|mm|ha|pm|am|uur|jr|nl|en|of|in|op|te|is|al|ex|nr|zo|ze|we|je|er|de|"
                            r"het|um|eu)$")

_STREET_SUFFIX = (r"straat|str\.|laan|weg|plein|gracht|kade|singel|dijk|hof|park|pad|steeg|dreef|plantsoen|markt|"
                  r"baan|veld|wal|ring|burcht|erf|hoek|lei|zijde|dam|haven|kwartier|passage|boulevard|allee|"
                  r"straatweg|street|road|avenue|lane")
_HOUSE_NUMBER = (r"\d{1,4}(?!\d)(?:\s?[a-zA-Z](?![\w-])|-\d{1,3}\b|-[a-zA-Z]\b|\s?(?:bis|hs|huis|zwart|rood|[IVX]{1,3})\b"
                 r"|\s?/\s?\d{1,3}\b)?(?:\s?(?:hoog|hg|huis|\d-hoog)\b)?")
# A number after a street is no house number when a unit follows it ("aan de Kruiskade 5000 euro").
_NOT_HOUSE = r"(?!\s*(?:euro|eur|mensen|man|jongeren|leden|procent|%|km|meter|m|uur|jaar|keer|x|deelnemers|bezoekers)\b)"
ADDRESS = re.compile(
    r"(?<![\w-])(?:[A-Za-zÀ-ÿ'][\w'.-]*\s){0,3}[A-Za-zÀ-ÿ'-]*(?:" + _STREET_SUFFIX + r")\s" + _HOUSE_NUMBER + _NOT_HOUSE
    + r"|(?<![\w-])(?:Laan|Plein|Hof|Burgemeester|Van|President|Koningin|Koning|Prins|Prinses|Graaf|Sint|Dokter|Dr\.)"
    r"(?:\s[A-Za-zÀ-ÿ'][\w'.-]*){1,4}\s" + _HOUSE_NUMBER + _NOT_HOUSE, re.UNICODE)
_ADDRESS_LEAD = {"woont", "wonen", "woon", "op", "de", "het", "aan", "in", "bij", "naar", "van", "adres", "is", "lives",
                 "at", "on", "the", "address", "zit", "zitten", "staat", "ligt", "wij", "we", "ze", "hij", "zij",
                 "mijn", "zijn", "haar", "hun", "onze", "gewoon", "ook", "nu", "nog", "straks", "me", "mij", "en",
                 "of", "ik", "woonachtig", "verhuisd", "nieuwe", "oude", "vanaf", "tot", "richting", "langs", "via"}
_STREET_END = re.compile(r"(?:" + _STREET_SUFFIX + r")$", _I)
_STREET_WORD = re.compile(r"^[\w'-]*(?:" + _STREET_SUFFIX + r")$", _I)


# "nummer 17-bis in de Pijnackerstraat": the number before the street
ADDRESS_REVERSED = re.compile(r"\b(?:nummer|nr\.?|huisnummer)\s\d{1,4}(?:-?\s?(?:bis|[a-zA-Z]|\d{1,3})\b)?\s(?:in|aan|op)\s"
                              r"(?:de|het)\s[\w'-]*(?:" + _STREET_SUFFIX + r")\b", _I)


def find_addresses(text: str) -> list[Span]:
    out = [_span(m, "ADRES") for m in ADDRESS_REVERSED.finditer(text)]
    for m in ADDRESS.finditer(text):
        start, end = m.start(), m.end()
        value = text[start:end]
        words = value.split(" ")
        # drop leading words that are not part of the street name ("woont op de Kerkstraat 12")
        while len(words) > 2 and (words[0].lower() in _ADDRESS_LEAD or (words[0][:1].islower()
                                                                          and not _STREET_WORD.match(words[0])
                                                                          and not _STREET_WORD.match(words[1])
                                                                          and words[1][:1].islower())):
            start += len(words[0]) + 1
            words = words[1:]
        number = re.search(r"\s(\d{1,4})", text[start:end])
        if number and 1900 <= int(number.group(1)) <= 2100 and re.search(r"(?:in|sinds|vanaf|tot|van)\s+\d{4}\b",
                                                                        text[start:end], _I):
            continue
        value = text[start:end].rstrip(" -.,;:")
        out.append(Span(start, start + len(value), "ADRES"))
    return out


# --- dates: d/m/yy, dd-mm-yyyy, ISO, "3 nov 2008", "3 november '08", US m/d/yyyy
_MONTHS = ("januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december|jan|feb|febr|"
           "mrt|maa|apr|jun|jul|aug|sep|sept|okt|nov|dec|january|february|march|may|june|july|october|"
           "ocak|şubat|mart|nisan|mayıs|haziran|temmuz|ağustos|eylül|ekim|kasım|aralık")
DATE = re.compile(
    r"(?<![\w/.-])(?:"
    r"(?P<d1>\d{1,2})[-/.](?P<m1>\d{1,2})[-/.](?P<y1>(?:19|20)?\d{2}|'\d{2})"
    r"|(?P<y2>(?:19|20)\d{2})[-/.](?P<m2>\d{1,2})[-/.](?P<d2>\d{1,2})"
    r"|(?P<d3>\d{1,2})(?:e|ste|de|st|nd|rd|th)?\s+(?:of\s+|van\s+)?(?P<m3>" + _MONTHS + r")\.?,?\s+(?P<y3>(?:19|20)\d{2}|'\d{2})"
    r"|(?P<m4>" + _MONTHS + r")\.?\s+(?P<d4>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y4>(?:19|20)\d{2})"
    r")(?![\w/-]|\.\d)", _I)
BIRTH_CUE = re.compile(r"(?:geboren|geb\.|geb\b|geboortedatum|geboorte\s?datum|gebdat|born|date of birth|d\.?o\.?b\.?|"
                       r"birthday|verjaardag|jarig|doğum)\W{0,3}(?:op|on|:|in)?\s*$", _I)

# --- handles: @name, and usernames after a platform word ("zijn snap is x.y_2009", "insta: mo_10")
HANDLE_AT = re.compile(r"(?<![\w.@])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?(?![\w@])")
_PLATFORMS = (r"insta(?:gram)?|ig|snap(?:chat)?|sc|tiktok|tt|twitter|x|telegram|discord|facebook|fb|threads|"
              r"youtube|yt|twitch|roblox|psn|xbox|steam|gebruikersnaam|username|account|handle|profiel|naam op \w+")
HANDLE_CUED = re.compile(r"\b(?:" + _PLATFORMS + r")\b(?:[\s-]?(?:account|naam|name|handle|id))?"
                         r"(?:\s*[:=]\s*|\s+(?:is|heet|van hem is|van haar is)\s+|\s+)['\"]?"
                         r"(?P<h>@?[A-Za-z0-9](?:[A-Za-z0-9_.-]{1,28}[A-Za-z0-9_]))", _I)

# --- class + school of a minor: "groep 7 van de Regenboogschool", "zit in 3B op het Stedelijk Lyceum"
_SCHOOL_WORD = (r"school|college|lyceum|gymnasium|atheneum|academie|campus|mavo|havo|vwo|vmbo|basisschool|"
                r"scholengemeenschap|sg|csg|obs|cbs|rkbs|ibs|kindcentrum|ikc|montessori|dalton|jenaplan")
_LEVEL = r"(?:havo|vwo|vmbo|mavo|gym|gymnasium|atheneum|tl|kader|basis|bb|kb|gl|mbo|tto|isk)(?:-?[a-z]{1,2})?"
_CLASS = (r"(?:groep|klas|leerjaar|jaar|class|grade|year)\s?[1-8](?:\s?[a-zA-Z]\d?\b|\s?" + _LEVEL + r"\b)?"
          r"|[1-6]\s?(?:" + _LEVEL + r"|[a-zA-Z]\d?)\b(?:\s[A-Z]\b)?|brugklas(?:\s?\d?[a-zA-Z]?\d?\b)?")
SCHOOL_CLASS = re.compile(
    r"(?<![\w])(?:" + _CLASS + r")(?:\s(?:van|op|bij|at|of|in)\s(?:de|het|the)?\s?)"
    r"(?:(?:[A-Za-zÀ-ÿ'][\w'.-]*\s){0,4}(?:[\w'-]*(?:school|college|lyceum|gymnasium|atheneum|academie|campus)\b"
    r"|(?:" + _SCHOOL_WORD + r")\b)(?:\s(?-i:[A-ZÀ-Ý][\w'-]+)){0,3}|(?-i:[A-ZÀ-Ý][\w'-]+(?:\s[A-ZÀ-Ý][\w'-]+){0,2}))", _I)
SCHOOL_NAMED = re.compile(
    r"(?<![\w])(?:(?:basisschool|de|het|the|op|bij)\s)(?:[A-ZÀ-Ý][\w'.-]*\s){0,3}[A-ZÀ-Ý]?[\w'-]*(?:school|college|lyceum|"
    r"gymnasium|atheneum)\b", re.UNICODE)
_SCHOOL_OF_MINOR_CUE = re.compile(r"\b(?:groep|klas|leerling|zoon|dochter|kind|jongen|meisje|zit|zat|broertje|"
                                  r"zusje|pupil|student)\b", _I)


def _span(m: re.Match, kind: str, group: int | str = 0) -> Span:
    s, e = m.span(group)
    value = m.string[s:e]
    stripped = value.rstrip(" -.,;:/")
    return Span(s, s + len(stripped), kind)


def find_emails(text: str) -> list[Span]:
    spans = [_span(m, "EMAIL") for m in EMAIL_PLAIN.finditer(text)]
    spans += [_span(m, "EMAIL") for m in EMAIL_SPACED.finditer(text)]
    spans += [_span(m, "EMAIL") for m in EMAIL.finditer(text) if not m.group(0).isdigit()]
    return spans


def find_phones(text: str) -> list[Span]:
    out = []
    for m in PHONE.finditer(text):
        value = m.group(0)
        digits = re.sub(r"\D", "", value)
        if digits in SERVICE_NUMBERS or len(digits) < 9 or len(digits) > 15:
            continue
        if not value.lstrip("(").startswith(("+", "00", "0")):
            continue
        if value.lstrip("(").startswith("0") and not value.startswith("00") and len(digits) != 10:
            continue  # a Dutch number has ten digits; "059752341183" is a reference, not a phone
        if re.fullmatch(r"(19|20)\d{2}\s?[-/]\s?(19|20)\d{2}", value.strip()):  # "2018-2021"
            continue
        out.append(_span(m, "TELEFOON"))
    return out


def find_bsns(text: str) -> list[Span]:
    out = [Span(m.start(1), m.end(1), "BSN") for m in BSN_CUED.finditer(text)]
    for m in BSN_SHAPE.finditer(text):
        if bsn_valid(re.sub(r"\D", "", m.group(0))):
            out.append(_span(m, "BSN"))
    return out


IBAN_CUE = re.compile(r"(?:iban|rekening\w*|bankrekening\w*|bankgegevens|overmaken|overmaak|storten|gestort|t\.?n\.?v|"
                      r"account number|bank)\W", _I)


def find_ibans(text: str) -> list[Span]:
    out = []
    for m in IBAN.finditer(text):
        value = m.group(0)
        # a mistyped IBAN (wrong check digits) after a bank word is still somebody's account
        if not iban_valid(value) and IBAN_CUE.search(text[max(0, m.start() - 60):m.start()]) \
                and len(re.sub(r"\W", "", value)) >= 15:
            value = re.sub(r"[\s.-][A-Za-z]{1,3}$", "", value)  # "... 1967 t.n.v.": the word is no group
            out.append(Span(m.start(), m.start() + len(value), "IBAN"))
            continue
        while value and not iban_valid(value):  # a trailing word can look like the last group ("... ten name")
            cut = re.search(r"[\s.-][A-Za-z0-9]{1,4}$", value)
            if not cut:
                value = ""
                break
            value = value[:cut.start()]
        if value:
            out.append(Span(m.start(), m.start() + len(value), "IBAN"))
    return out


def find_plates(text: str) -> list[Span]:
    out = []
    cued = [m.end() for m in PLATE_CUE.finditer(text)]
    for pat, needs_cue in ((PLATE_DASHED, False), (PLATE_BARE, True)):
        for m in pat.finditer(text):
            v = m.group(0)
            if not (re.search(r"\d", v) and re.search(r"[A-Za-z]", v)):
                continue
            if needs_cue and _NOT_PLATE.match(v):
                continue
            if " " in v and not any(0 <= m.start() - c <= 80 for c in cued):
                continue  # "12 AB 34" with spaces is a plate only after the word kenteken
            if needs_cue and not (any(0 <= m.start() - c <= 80 for c in cued) or _bare_plate_shape(v)):
                continue
            out.append(_span(m, "KENTEKEN"))
    return out


def _bare_plate_shape(v: str) -> bool:
    """Without dashes and without a cue: only mixes that words never have (letters-digits-letters etc.)."""
    groups = re.findall(r"[A-Za-z]+|\d+", v)
    return len(groups) == 3


def find_postcodes(text: str) -> list[Span]:
    return [_span(m, "POSTCODE") for m in POSTCODE.finditer(text) if not _POSTCODE_UNIT.match(m.group(0))]


def _year(y: str) -> int:
    y = y.lstrip("'")
    if len(y) == 2:
        n = int(y)
        return 2000 + n if n <= date.today().year % 100 else 1900 + n
    return int(y)


def find_birth_dates(text: str) -> list[Span]:
    """A full date is a date of birth after a birth cue, or when its year lies 8-105 years back: event
    dates in practitioners' messages are recent or ahead, birth dates are not."""
    out = []
    this_year = date.today().year
    for m in DATE.finditer(text):
        g = m.groupdict()
        y = next(g[k] for k in ("y1", "y2", "y3", "y4") if g[k])
        year = _year(y)
        if g["m1"] and g["d1"]:
            a, b = int(g["d1"]), int(g["m1"])
            if not ((1 <= a <= 31 and 1 <= b <= 12) or (1 <= b <= 31 and 1 <= a <= 12)):
                continue
        if g["m2"] and not (1 <= int(g["m2"]) <= 12 and 1 <= int(g["d2"]) <= 31):
            continue
        cued = bool(BIRTH_CUE.search(text[max(0, m.start() - 30):m.start()]))
        old = this_year - 105 <= year <= this_year - 8
        age_context = bool(re.match(r"\s*\(?\s*\d{1,2}\s*(?:jaar|jr|j)\b", text[m.end():m.end() + 10], _I))
        if cued or old or age_context:
            out.append(_span(m, "GEBOORTEDATUM"))
    return out


# A token shaped as a username anywhere: letters with an underscore, or 4+ letters followed by 2+ digits.
DISCORD_TAG = re.compile(r"(?<![\w@])[\w.]{2,32}#\d{4}\b")
DOTTED = re.compile(r"(?<![\w@./])[a-z][a-z0-9]{1,}(?:\.[a-z0-9]{2,}){2,}(?![\w@/])")
_DOMAIN_END = re.compile(r"\.(?:nl|be|com|org|net|eu|de|info|nu|gov|edu|io|uk)$")
USERNAME = re.compile(r"(?<![\w@.\-/])(?=[\w.]*[A-Za-z]{2})(?:[A-Za-z0-9]+(?:[._][A-Za-z0-9]+)*_[A-Za-z0-9_.]*|"
                      r"[A-Za-z0-9]*_[A-Za-z0-9]+(?:[._][A-Za-z0-9]+)*|[A-Za-z][A-Za-z.]{3,}\d{2,4})(?![\w@-])")


def find_handles(text: str) -> list[Span]:
    out = [_span(m, "ACCOUNT") for m in HANDLE_AT.finditer(text)]
    out += [_span(m, "ACCOUNT") for m in DISCORD_TAG.finditer(text)]
    out += [_span(m, "ACCOUNT") for m in DOTTED.finditer(text) if not _DOMAIN_END.search(m.group(0))]
    for m in USERNAME.finditer(text):
        letters = re.match(r"[A-Za-z.]+", m.group(0))
        if "_" not in m.group(0) and letters and _zipf(letters.group(0).strip(".")) >= 2.5:
            continue  # "covid19", "windows11": a word with a number, not a username
        if re.fullmatch(r"[a-f0-9]{8,}", m.group(0), re.I):
            continue  # a hexadecimal reference ("babcafcb9519"), not a username
        out.append(_span(m, "ACCOUNT"))
    for m in HANDLE_CUED.finditer(text):
        h = m.group("h")
        # a username has a digit, an underscore, a dot inside, or an @; plain words after "insta" are not one
        if re.search(r"[\d_@]|\w\.\w", h) and not re.fullmatch(r"\d+", h.lstrip("@")):
            out.append(_span(m, "ACCOUNT", "h"))
    return out


def find_school_classes(text: str) -> list[Span]:
    out = [_span(m, "SCHOOL") for m in SCHOOL_CLASS.finditer(text)]
    for m in SCHOOL_NAMED.finditer(text):
        window = text[max(0, m.start() - 60):m.end() + 40]
        name = m.group(0).split(" ", 1)[1] if " " in m.group(0) else m.group(0)
        if name[:1].isupper() and _SCHOOL_OF_MINOR_CUE.search(window):
            start = m.start() + (len(m.group(0)) - len(name))
            out.append(Span(start, m.end(), "SCHOOL"))
    return out


FINDERS = (find_emails, find_ibans, find_birth_dates, find_postcodes, find_addresses, find_phones, find_bsns,
           find_plates, find_handles, find_school_classes)


def find_shaped(text: str) -> list[Span]:
    spans: list[Span] = []
    for finder in FINDERS:
        spans.extend(finder(text))
    return spans
