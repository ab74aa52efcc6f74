"""Does what the handbooks say answer what was asked? Retrieval confidence cannot tell: a question about
the subsidy amount for mosque cameras scores as high as one about camera advice, because the words are
the same. What differs is the kind of answer the question expects.

``expect(question)`` reads the expected answer type from the question's form (stems and patterns, Dutch
and English): an amount of money, a date or deadline, a percentage, a count, contact details, what the
law allows, a diagnosis, a ranking of what works best, the current state of affairs, or a decision in
the asker's own case. ``supported(expectation, sentences)`` then asks whether the sentences that would
be cited contain that kind of thing (a euro amount, a year or date, a percentage, a number, an address,
an article of law, a comparison). If not, the question goes to an advisor and the asker is shown what the
handbooks do say as related reading. Diagnoses and operational decisions are never answered from text.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from bot.index import text as T

from .asktype import MIN_PROB, NONE, default_model

_I = re.I | re.UNICODE

# --- what is asked ---------------------------------------------------------------------------
ASKS = {
    "amount": re.compile(
        r"\b(hoeveel (geld|euro|subsidie|budget|kost|kosten|betaalt|betaald|betalen|krijg|krijgt|kreeg|kregen|"
        r"ontving|ontvangt|bedraagt|bedroeg|verdien)|wat (kost|kosten|kostte|betaalt|betaalde|bedraagt|is het bedrag|"
        r"is de prijs|heeft .{0,60} gekost)|welk bedrag|hoe ?hoog (is|was|zijn|waren) (het|de) (bedrag|subsidie|"
        r"budget|vergoeding|kosten|prijs|uitkering|boete|tarief)|maximale? (bedrag|subsidie|vergoeding)|"
        r"hoeveel .{0,40}(euro|subsidie|budget|geld)|prijs|tarief|uurtarief|boete|"
        r"how much (money|does|do|did|is|was|funding|will)|what does .{0,30} cost|what is the (amount|price|budget))\b",
        _I),
    "date": re.compile(
        r"\b(wanneer|welke datum|op welke dag|per wanneer|per welke datum|tot wanneer|vanaf wanneer|"
        r"uiterste (aanvraag)?datum|deadline|sluit(ing)? .{0,20}(aanvraag|inschrijving)|eerstvolgende|"
        r"volgende (bijeenkomst|training|editie|ronde|kennisdag|versie)|in welk jaar|welk jaar|sinds wanneer|"
        r"when (is|does|did|will|was)|what date|which year|since when)\b", _I),
    "percentage": re.compile(r"\b(welk percentage|hoeveel procent|percentage|in procenten|welk deel|"
                             r"what percentage|what share|how many percent|what proportion|turnout)\b|%", _I),
    "count": re.compile(
        r"\b(hoeveel (?!geld|euro|subsidie|budget|kost|procent)\w+|hoe vaak|aantal|how many|how often|"
        r"number of)\b", _I),
    "contact": re.compile(
        r"\b((06|telefoon|tel\.?|mobiel|gsm)[- ]?(nummer|nr)|e-?mail(adres)?|mailadres|postadres|bezoekadres|"
        r"contactgegevens|contactpersoon|adres van|privé[- ]?nummer|website van|hoe bereik ik|met wie (moet|kan) ik "
        r".{0,40}contact|bij wie (moet|kan) ik (bellen|mailen|terecht)|wie is (op dit moment |nu )?(het |de )?"
        r"(hoofd|coördinator|coordinator|directeur|contactpersoon|voorzitter|adviseur)|hoe heet (de|het|die)|"
        r"naam graag|wie (zijn|waren) (de )?(betrokkenen|sleutelfiguren|contactpersonen)|namen van|welke personen|"
        r"phone number|email address|contact details|who (is|are) the (head|contact|coordinator))\b", _I),
    "legal": re.compile(
        # the law named or asked about; a bare "mag" ("hoe lang mag een bestuur beelden bewaren?") is often
        # answered by a handbook's own rule and stays with the other checks
        r"\b(is (het|dat|dit) (wel )?(toegestaan|legaal|strafbaar|verplicht)( volgens de wet)?|wettelijk\w*|"
        r"welke wet|welk artikel|artikel \d|gemeentewet|avg|grondslag|juridisch\w*|strafbaar|straf (staat|op)|"
        r"welke straf|boete|aansprakelijk|bevoegd(heid)?|volgens de wet|mag dat (wel )?van de wet|"
        r"moet een (gemeente|school|organisatie) .{0,60}(informeren|melden)|is it (legal|allowed)|are we allowed|"
        r"legal basis|which article|which law|gdpr)\b", _I),
    "diagnosis": re.compile(
        r"\b(diagnose|stoornis|persoonlijkheidsstoornis|dsm|psychose|autisme|adhd|burn-?out|depressie|trauma|"
        r"is (hij|zij|ze|deze \w+|die \w+) (ziek|psychisch|gestoord|aan het radicaliseren|geradicaliseerd|"
        r"radicaal|extremist|een gevaar)|heeft (hij|zij|ze) een .{0,20}(stoornis|ziekte|burn-?out)|"
        r"gevaar voor (anderen|zichzelf)|diagnos\w*|disorder|is (he|she) (radicali[sz]ing|dangerous))\b", _I),
    "ranking": re.compile(
        r"\b(wat werkt (het )?(best|beter)|werkt .{0,60} (best|beter)|welke .{0,60}(werkt|is) (het )?(best|beter|"
        r"effectiefst|meest effectief)|beter dan|effectiever|effectiefste|meest effectieve|het meest|de meeste|"
        r"beste (aanpak|methode|interventie)|wat is beter|\w+st (om|voor)\b|betrouwbaarst|grootste impact|"
        r"which (works|is) (best|better)|most effective|more effective|better than|the most)\b", _I),
    "current_status": re.compile(
        r"\b(op dit moment|momenteel|inmiddels|tegenwoordig|nu nog|nog steeds|actuele?|huidige?|dit jaar|"
        r"vandaag nog|nu (eigenlijk |wel |al )|heeft .{0,40} nu|is .{0,40} nu|hoe staat het (nu )?met|"
        r"bestaat .{0,40} nog|is .{0,40} nog (steeds|actief|online)|staat .{0,40} nog|al klaar|"
        r"currently|right now|at the moment|these days|still exist|nowadays|yet\?)", _I),
    "operational": re.compile(
        r"\b(moeten (wij|we) .{0,120}(toestaan|verbieden|afzeggen|annuleren|afgelast|vragen|inlichten|organiseren)|"
        r"moet ik .{0,120}(melden|aangeven|inlichten|bellen|vragen)|zullen (we|wij) .{0,80}(organiseren|doen)|"
        r"ja of nee|kunnen jullie .{0,80}(inplannen|langskomen|plannen|organiseren|komen)|kun je .{0,60}inplannen|"
        r"kan (de ess|iemand van de ess|een adviseur) .{0,80}(langskomen|op \d|inplannen)|kan ik mij (nog )?"
        r"inschrijven|hoe schrijf ik me in|welke (tiktok|instagram|telegram)[- ]?(accounts|kanalen|groepen) moeten|"
        r"vanaf welke (score|drempel)|should (i|we) (escalate|report|call|cancel))\b", _I),
    "which_place": re.compile(
        r"\b((in |met |bij )?welke (gemeente|gemeenten|stad|steden|wijk|plaats|school|moskee|organisatie)|"
        r"which (municipality|city|town|neighbourhood))\b", _I),
}
# Order matters: the most specific ask wins when several match.
PRIORITY = ("diagnosis", "operational", "contact", "legal", "current_status", "percentage", "amount", "date",
            "which_place", "ranking", "count")

# --- what the sources must contain ----------------------------------------------------------
_NUM = r"\d+(?:[.,]\d+)?"
_NUMBER_WORDS = (r"één|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|elf|twaalf|dertien|veertien|vijftien|zestien|"
                 r"zeventien|achttien|negentien|twintig|dertig|veertig|vijftig|zestig|zeventig|tachtig|negentig|"
                 r"honderd|duizend|tientallen|honderden|duizenden|dozijn|helft|derde|kwart|"
                 r"one|two|three|four|five|six|seven|eight|nine|ten|twelve|twenty|hundred|thousand|dozens|hundreds")
EVIDENCE = {
    "amount": re.compile(r"(€\s?" + _NUM + r"|" + _NUM + r"\s?(euro|eur|miljoen|mln|duizend|k€)|\beuro\b.{0,20}\d|"
                         r"\d.{0,20}\beuro\b|\bgratis\b|\bkosteloos\b|\bkosten(loos|vrij)\b)", _I),
    "date": re.compile(r"(\b(19|20)\d{2}\b|\b\d{1,2}[-/]\d{1,2}[-/]\d{2,4}\b|\b(januari|februari|maart|april|mei|"
                       r"juni|juli|augustus|september|oktober|november|december)\b|\b(voorjaar|najaar|zomer|winter)"
                       r"\b|\b(jaarlijks|maandelijks|wekelijks|elke (week|maand)|per (jaar|kwartaal))\b)", _I),
    "percentage": re.compile(r"(\d\s?%|\bprocent\b|\bpercent\b|\b(de )?(helft|meerderheid|minderheid|"
                             r"driekwart|een derde|een kwart)\b)", _I),
    "count": re.compile(r"(\b\d+\b|\b(" + _NUMBER_WORDS + r")\b)", _I),
    "contact": re.compile(r"(\b0\d{1,3}[- ]?\d{6,8}\b|\+\d{2}|@[\w-]+\.\w+|\bwww\.|https?://|\b\w+\.(nl|com|org)\b|"
                          r"\bbereikbaar (via|op)\b)", _I),
    "legal": re.compile(r"(\bartikel \d|\bart\. ?\d|\bwet\b|\bwetten\b|\bwettelijk\w*|\bjuridisch\w*|\bgrondslag\b|"
                        r"\bbevoegd\w*|\bverordening\b|\bstrafrecht\w*|\btoegestaan\b|\bverboden\b|\bavg\b)", _I),
    "ranking": re.compile(r"(\b(beter|effectiever|effectiefst|meest effectief|best werkt|werkt het best|"
                          r"sterkere effecten|bewezen effectief|vergeleken met|in vergelijking met|dan|meest|vaakst|"
                          r"grootste|populairst|belangrijkste)\b)", _I),
    "current_status": re.compile(r"\b(20(2[5-9]|3\d))\b", _I),  # a source from the last year or two
    # a place or organisation named in the sentence (capitalised, not at its start)
    "which_place": re.compile(r"(?<=[a-z,;] )(?:in |te |bij |van )?[A-Z][a-zé]+(?:[- ][A-Z][a-z]+)?"),
}
# Asks that no handbook sentence settles: an advisor (or another professional) decides.
NEVER_FROM_TEXT = {"diagnosis", "operational"}


@dataclass(frozen=True)
class Expectation:
    kind: str | None  # one of PRIORITY, or None (any informative sentence may answer)

    @property
    def from_text(self) -> bool:
        return self.kind not in NEVER_FROM_TEXT


_FROM_REPORT = {"legal", "ranking", "current_status", "operational"}


def pattern_kind(question: str) -> str | None:
    """The kind the patterns read, the most specific first."""
    found = {kind for kind, pattern in ASKS.items() if pattern.search(question)}
    if _ASKS_FOR_TEXT.search(question):  # "mogen wij ...? Wat zeggen de geïnterviewden?": the report's view
        found -= _FROM_REPORT
    return next((k for k in PRIORITY if k in found), None)


def expect(question: str) -> Expectation:
    """The learned model's kind when it is confident (``asktype.py``), else the patterns'."""
    model = default_model()
    if model is not None:
        kind, p = model.predict(question)
        if kind != NONE and p >= MIN_PROB and not (kind in _FROM_REPORT and _ASKS_FOR_TEXT.search(question)):
            return Expectation(kind)
    return Expectation(pattern_kind(question))


# Words that say what kind of answer is wanted, not what it is about: they do not make a sentence relevant.
_ASK_WORDS = {T.stem(w) for w in ("wanneer", "hoeveel", "procent", "percentage", "aantal", "bedrag", "kosten", "kost",
                                  "datum", "jaar", "nu", "momenteel", "inmiddels", "mag", "mogen", "wet", "beter",
                                  "best", "werkt", "welk", "welke", "nummer", "telefoon", "mail", "adres", "how",
                                  "many", "much", "when", "current", "currently")}
RELEVANT_SHARE = 0.2
# A figure, a date or a sum must sit in a sentence that is clearly about the question's subject: reports are
# full of years and numbers, most about something else.
STRICT_SHARE = {"amount": 0.25, "date": 0.25, "percentage": 0.25, "count": 0.25}
_HOW_MANY = re.compile(r"\b(?:hoeveel|how many)\s+([a-zà-ÿ-]{2,})", _I)
# After "hoeveel" a verb ("hoeveel gaf de ESS uit"), not the counted thing: no noun to look for.
_NOT_COUNTED = {"is", "zijn", "was", "waren", "heeft", "hebben", "had", "hadden", "gaf", "geeft", "kost", "kostte",
                "kreeg", "krijgt", "doen", "deden", "wordt", "werd", "komen", "kwamen", "keer", "procent", "van",
                "de", "het", "er", "zit", "zitten", "did", "do", "does", "are", "were", "of"}
# Someone asking what the report or the experts say asks for the text, whatever the form of the question.
_ASKS_FOR_TEXT = re.compile(r"\b(wat (zegt|zeggen|schrijft|schrijven|staat er|raadt|raden|adviseert|adviseren)|"
                            r"volgens (het|de|dat|die) "
                            r"(rapport|essay|evaluatie|onderzoek|experts|geïnterviewden|interviews|handreiking)|"
                            r"what (does|do) the (report|essay|evaluation|experts|interviewees) say|according to the)\b",
                            _I)


def _terms(text: str) -> set[str]:
    return set(T.tokens(text)) - _ASK_WORDS


_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def asked_part(question: str) -> str:
    """The sentences that ask (with a question mark), without the context before them ("Ik ben jongerenwerker
    in ... en ..."): context words must not make a sentence about the subject look irrelevant."""
    parts = [p for p in _SENTENCE.split(question) if p.strip()]
    asking = [p for p in parts if "?" in p]
    return " ".join(asking) if asking else question


def relevant(question: str, sentences: list[str] | list[tuple[str, str]], share: float = RELEVANT_SHARE) -> list[str]:
    """The sentences about the question's subject: sharing at least ``share`` of the content words of its
    asking part (the words that say which kind of answer is wanted do not count). A sentence may come with its
    context (the sentence before it in its paragraph): "Aanmelden kan tot 1 maart." is about the training the
    sentence before it names."""
    pairs = [(s, s) if isinstance(s, str) else s for s in sentences]
    q = _terms(asked_part(question))
    if not q:
        return [s for s, _ in pairs]
    need = max(1, math.ceil(share * len(q)))
    return [s for s, context in pairs if _shared(q, set(T.tokens(context))) >= need]


def _shared(question_terms: set[str], tokens: set[str]) -> int:
    """Question terms found among the tokens, a compound counting for its parts: "opkomst" is in
    "verkiezingsopkomst", "medewerker" in "ess-medewerker", "onderzoek" in "onderzoeker"."""
    n = 0
    for t in question_terms:
        if t in tokens or (len(t) >= 5 and any(len(w) > len(t) and (w.endswith(t) or w.startswith(t))
                                                for w in tokens)):
            n += 1
    return n


def _counted(question: str, sentence: str) -> bool:
    """"Hoeveel jongeren ...": a number right before the counted thing ("1.200 jongeren", "twaalf jongeren")."""
    m = _HOW_MANY.search(question)
    if not m or m.group(1).lower() in _NOT_COUNTED:
        return True
    noun = T.stem(T.fold(m.group(1)))
    number = r"(?:\d[\d.,]*\s?%?|" + _NUMBER_WORDS + r")"
    for hit in re.finditer(number + r"\s+((?:[\w-]+\s+){0,3}[\w-]+)", sentence, _I):
        if noun in {T.stem(T.fold(w)) for w in hit.group(1).split()}:
            return True
    return False


def supported(expectation: Expectation, question: str, sentences: list[str] | list[tuple[str, str]]) -> bool:
    """Whether a sentence about the question's subject contains the kind of thing asked for."""
    if expectation.kind is None:
        return True
    if not expectation.from_text:
        return False
    evidence = EVIDENCE.get(expectation.kind)
    if evidence is None:
        return True
    about = relevant(question, sentences, STRICT_SHARE.get(expectation.kind, RELEVANT_SHARE))
    if expectation.kind == "count":
        return any(evidence.search(s) and _counted(question, s) for s in about)
    return any(evidence.search(s) for s in about)
