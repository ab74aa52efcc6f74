"""The transparent half of triage: patterns for explicit danger, matched on word stems with gaps
("ik wil er echt gewoon een eind aan maken", "ze gaan hem morgen na school steken"), and cues
that a message is about danger at a distance: fiction, games, the past, a protocol, a joke.

A rule that fires without a distancing cue in the same sentence makes the message clearly urgent,
whatever the learned model says; the model carries the recall for everything said less plainly.
Patterns work on folded text (lower case, no accents; ``text.fold``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .text import fold, units

W = r"[\w']+"


def gap(*parts: str, n: int = 4) -> str:
    """Parts in this order with at most ``n`` words between each two."""
    return (r"(?:\s+" + W + r"){0," + str(n) + r"}\s+").join(f"(?:{p})" for p in parts)


def words(*stems: str) -> str:
    """Whole words starting with one of the stems (``steek`` matches steek, steken, steekt)."""
    return r"\b(?:" + "|".join(stems) + r")\w*"


def exact(*ws: str) -> str:
    return r"\b(?:" + "|".join(ws) + r")\b"


SELF = exact("ik", "ikke", "i", "im", "i'm", "hij", "zij", "ze", "mn", "m'n", "mijn", "haar", "zijn", "he", "she", "my",
             "we", "wij", "hem", "me", "mij")
INTEND = exact("wil", "wilt", "willen", "ga", "gaat", "gaan", "zal", "zou", "denk", "denkt", "plan", "overweeg",
               "want", "wants", "wanna", "going", "gonna", "will", "ben van plan", "is van plan", "heb besloten",
               "heeft besloten")
WANT = exact("wil", "wilt", "willen", "want", "wants", "wanna", "ben van plan", "is van plan", "heb besloten",
             "heeft besloten", "denk erover", "denkt erover", "overweeg", "overweegt", "plan")
DIE = words("dood", "sterven", "zelfmoord", "suicid", "zelfdoding", "ophang", "opknop", "verdrinken", "springen",
            "spring", "die\\b", "overdos")
SUICIDE = words("zelfmoord", "suicid", "zelfdoding", "ophang", "opknop", "van het dak", "voor de trein", "een eind",
                "een einde", "er een eind", "mezelf", "mijzelf", "zichzelf", "myself", "overdos")
SELF_OBJ = exact("mezelf", "mijzelf", "zichzelf", "myself", "himself", "herself", "themselves", "m'n eigen", "mn eigen",
                 "z'n eigen", "zn eigen", "d'r eigen")
HARM = words("iets aan", "aan te doen", "aandoen", "van kant", "doden", "ophang", "snijd", "snij", "kill", "hurt",
             "cut", "end", "vermoord", "pijn doen", "wat aan")
MAKE = words("mak", "maak", "gemaakt")
PILLS = words("pil", "tablet", "medicijn", "slaappil", "pills", "paracetamol", "oxazepam", "lithium")
TAKEN = words("genomen", "ingenomen", "geslikt", "gepakt", "verzameld", "gespaard", "slik", "taken", "took",
              "swallowed", "in te nemen", "innemen")
STAB = words("steek", "steken", "gestoken", "neergestoken", "stak", "prik", "schiet", "schieten", "geschoten",
             "beschoten", "neerschiet", "neergeschoten", "vermoord", "afmaken", "afgemaakt", "doodmaken", "doodgemaakt",
             "opblaz", "opgeblazen", "stab", "shoot", "shot", "kill", "murder", "blow up", "in de fik", "in brand",
             "fikkie", "burn")
NOW = exact("nu", "net", "zojuist", "nou", "rn", "now", "right now", "op dit moment", "op dit ogenblik", "just",
            "momenteel", "terwijl ik", "live")
SOON = (exact("vanavond", "vannacht", "vandaag", "morgen", "morgenochtend", "morgenavond", "straks", "zo meteen",
              "zometeen", "overmorgen", "tonight", "tomorrow", "today", "maandag", "dinsdag", "woensdag", "donderdag",
              "vrijdag", "zaterdag", "zondag", "weekend", "deze week", "na het gebed", "na school", "na de les",
              "na de wedstrijd", "na de dienst", "after school", "after prayer")
        + r"|\bover\s+(?:\w+\s+)?(?:minuten|min|uur|uurtje|kwartier|dagen|minutes|hours)\b|\bom\s+\d{1,2}(?:[:.]\d{2})?"
          r"(?:\s*uur)?\b|\b\d{1,2}[:.]\d{2}\b|\bin\s+(?:\w+\s+)?(?:minutes|hours)\b")
ATTACKED = gap(exact("wordt", "worden", "werd", "is", "zijn", "ben", "word", "got", "getting", "being", "was"),
               words("gestoken", "neergestoken", "geschoten", "beschoten", "geslagen", "mishandeld", "aangevallen",
                     "in elkaar geslagen", "getrapt", "stabbed", "shot", "attacked", "beaten"), n=3)
BLEEDING = words("bloed", "bleed", "ligt op de grond", "ligt op straat", "is bewusteloos", "unconscious")
WORSHIP = words("moskee", "cami", "kerk", "synago", "sjoel", "mandir", "tempel", "gurdwara", "gebedshuis", "gebedsruimte",
                "church", "mosque", "temple", "masjid", "dienst", "gebed")
ATTACK_POW = words("bom", "bommen", "explosie", "explosief", "benzine", "jerrycan", "brand", "in de fik", "opblaz",
                   "opgeblazen", "aanslag", "bestorm", "molotov", "vuurwerkbom", "granaat", "bomb", "petrol", "fire",
                   "burn", "storm", "attack", "lucht in", "afbranden", "fikken")
CHILD = words("kind", "dochter", "zoon", "leerling", "meisje", "meid", "jongen", "nichtje", "neefje", "zusje", "broertje",
              "girl", "boy", "child", "kid", "pupil", "student", "baby", "peuter", "kleuter")
ABUSE = words("misbruik", "aangerand", "verkracht", "betast", "slaat", "sloeg", "geslagen", "blauwe plek", "uithuwelijk",
              "paspoort afgepakt", "opgesloten", "abuse", "raped", "beaten", "hits her", "hits him", "rape", "aangeraakt",
              "gedronken", "ingeslikt", "loverboy")
HOME_FEAR = words("durft niet naar huis", "durft niet meer naar huis", "scared to go home", "afraid to go home",
                  "niet naar huis", "vanavond", "vannacht", "tonight", "weer")
PAY = words("betalen", "betaal", "betaalt", "geld", "schuld", "euro", "doekoe", "pay", "money", "debt", "\\d+k\\b",
            "overmaken")
OR_ELSE = exact("anders", "of we", "of ze", "of je", "of hij", "otherwise", "or else", "or we", "or they") + "|" + SOON
AT_DOOR = words("voor de deur", "aan de deur", "bij de deur", "beneden", "at the door", "outside", "voor mijn huis",
                "voor het huis", "staan weer", "stonden weer")
BULLET = words("kogel", "granaat", "handgranaat", "bullet", "grenade", "explosief")
LETTERBOX = words("brievenbus", "deur", "letterbox", "mailbox", "raam", "gevel")
CROWD = words("groep", "menigte", "honderden", "tientallen", "massa", "crowd", "mob", "mensen", "relschopp", "jongeren",
              "hooligans")
MOVING = words("bestorm", "onderweg", "op weg", "lopen naar", "trekken naar", "verzamelen", "verzamelt", "marcheren",
               "moving", "heading", "marching", "gooien", "gegooid", "bekogel", "aanvallen", "vallen aan", "slopen")
TARGET = words("azc", "asielzoeker", "opvang", "gemeentehuis", "stadhuis", "politiebureau", "burgemeester", "wethouder",
               "huis van", "moskee", "me\\b", "mobiele eenheid", "agenten", "politie", "town hall", "mayor", "police",
               "asylum")
ADDRESS = words("adres", "address", "voordeur", "huis", "woning", "foto van mijn", "waar ik woon", "waar hij woont",
                "waar ze woont", "where i live")
POSTED = words("online", "gedeeld", "gepost", "gelekt", "verspreid", "rondgestuurd", "gezet", "posted", "shared",
               "leaked", "staat op", "staan op", "telegram", "facebook", "tiktok", "insta", "groepsapp")
VISIT = words("langskomen", "langs komen", "bezoek", "bezocht", "komen", "komt", "halen", "pakken", "weet waar",
              "weten waar", "know what to do", "visit", "coming", "staat een auto", "rijdt", "rijden")

WEAPON = words("mes", "messen", "pistool", "pistolen", "vuurwapen", "wapen", "gun", "knife", "knives", "blade",
               "machete", "bijl", "honkbalknuppel", "knuppel", "koevoet", "strap", "ak47", "kalasj", "vuurwerkbom",
               "cobra", "zwaard")
THREAT_VERB = words("bedreigd", "belaagd", "afgeperst", "gechanteerd", "achtervolgd", "opgewacht", "threatened",
                    "blackmailed", "stalked", "chased")
THREATENED = (gap(exact("ik", "we", "wij", "i", "i'm", "im", "we're", "were"), exact("word", "worden", "ben", "zijn",
                                                                                   "am", "are", "being", "get", "got"),
                  THREAT_VERB, n=2)
              + "|" + gap(exact("bedreigen", "bedreigt", "chanteren", "chanteert", "threaten", "threatening",
                                "blackmail", "blackmailing"), exact("me", "mij", "ons", "us"), n=1)
              + "|" + gap(THREAT_VERB, NOW, n=3) + "|" + gap(NOW, THREAT_VERB, n=3))

CLEAR_RULES: dict[str, list[str]] = {
    "self_harm": [
        gap(SELF, WANT, DIE, n=5),
        gap(SELF, INTEND, SUICIDE, n=5),
        gap(SELF_OBJ, HARM, n=3),
        gap(exact("eind", "einde", "end"), exact("aan"), exact("mijn", "zijn", "haar", "m'n", "mn", "z'n", "het",
                                                                 "alles", "maken", "make"), n=2) + r".{0,40}?" + MAKE,
        gap(INTEND, MAKE, exact("er"), exact("een"), exact("eind", "einde"), n=2),
        gap(exact("er"), exact("een"), exact("eind", "einde"), exact("aan"), n=1) + r"(?:\s+" + W + r"){0,3}\s+"
        + words("maken", "te maken", "maak", "make"),
        gap(exact("wil", "wilt", "want to", "wanna", "willen"), exact("niet meer leven", "dood", "sterven", "die",
                                                                        "er niet meer zijn", "niet meer wakker worden",
                                                                        "niet meer verder", "nooit meer wakker"), n=3),
        gap(PILLS, TAKEN, n=4) + r"|" + gap(TAKEN, PILLS, n=4),
        exact("kill myself", "killing myself", "end my life", "end it all", "afscheidsbrief", "zelfmoordbrief",
              "suicide note"),
    ],
    "violence_now": [
        gap(ATTACKED, n=0) + r".{0,60}?" + NOW + "|" + NOW + r".{0,40}?" + ATTACKED,
        r"\ber\s+(?:wordt|worden)\s+(?:\w+\s+){0,2}(?:geschoten|gestoken|gevochten|geslagen)\b",
        # present passive on a person: "het kind wordt geslagen", "hij wordt nu mishandeld"
        r"\b(?:het|hij|zij|ze|hem|haar|mijn\s+\w+|m'n\s+\w+|een\s+\w+)\s+(?:wordt|worden)\s+(?:\w+\s+){0,2}"
        r"(?:geslagen|mishandeld|misbruikt|gestoken|geschopt|getrapt|gewurgd|opgesloten)\b",
        gap(BLEEDING, n=0) + r".{0,60}?" + NOW + "|" + NOW + r".{0,60}?" + BLEEDING,
        exact("shots fired", "someone just got stabbed", "someone got stabbed", "someone is bleeding"),
        THREATENED,
        # a weapon in sight now: clear, but no safety net ("we bespreken nu messen in de les" is excused by the
        # distancing cue, not every use of "nu" is)
        gap(WEAPON, NOW, n=8) + "|" + gap(NOW, WEAPON, n=8),
    ],
    "violence_planned": [
        gap(exact("gaan", "gaat", "ga", "wordt", "worden", "komen", "komt", "will", "gonna", "going to", "willen", "wil"),
            STAB, n=5) + r".{0,80}?(?:" + SOON + ")",
        "(?:" + SOON + r").{0,80}?" + gap(exact("gaan", "gaat", "ga", "wordt", "worden", "komen", "komt", "will",
                                                "gonna", "going to"), STAB, n=5),
    ],
    "place_of_worship": [
        gap(WORSHIP, ATTACK_POW, n=10) + r"|" + gap(ATTACK_POW, WORSHIP, n=10),
    ],
    "child_in_danger": [
        gap(CHILD, ABUSE, n=8) + r".{0,120}?(?:" + HOME_FEAR + "|" + NOW + ")",
    ],
    "extortion_threat": [
        gap(PAY, OR_ELSE, n=6),
        gap(BULLET, LETTERBOX, n=5),
        gap(PAY, AT_DOOR, n=8) + r"|" + gap(AT_DOOR, PAY, n=8),
    ],
    "crowd_unrest": [
        gap(CROWD, MOVING, n=6) + r".{0,80}?" + TARGET,
        gap(TARGET, n=0) + r".{0,60}?" + gap(CROWD, MOVING, n=6),
    ],
    "doxxing_threat": [
        gap(ADDRESS, POSTED, n=8) + r".{0,120}?" + VISIT,
    ],
}

# Rules so plain that they decide even when the model does not (a model can miss "ik wil dood": three
# words give it little to go on): every self-harm rule, and the first six of violence_now (attacked,
# present passive, bleeding, shots, threatened). The others only weigh in the blend and in the tier.
SAFETY_NET = {("self_harm", i) for i in range(100)} | {("violence_now", i) for i in range(6)}

# Cues that the danger is at a distance: fiction, games, the past, plans and protocols, jokes, statistics.
DISTANCE = re.compile("|".join([
    words("film", "serie", "boek", "roman", "toneel", "scene", "scène", "personage", "hoofdpersonage", "game", "gamen",
          "spel", "fifa", "fortnite", "mario", "minecraft", "call of duty", "lied", "liedje", "track", "clip", "drill",
          "rap", "songtekst", "lyrics", "gedicht", "verhaal", "essay", "novel", "movie", "series", "song", "poem",
          "story", "netflix", "script", "rollenspel", "oefening", "oefenen", "simulatie"),
    words("vorig jaar", "vorige maand", "vorige week", "jaren geleden", "maanden geleden", "destijds", "vroeger",
          "in \\d{4}", "jaar geleden", "last year", "years ago", "back in", "toen ik", "in de jaren"),
    words("stel dat", "wat als", "als er ooit", "mocht er", "in geval van", "protocol", "draaiboek", "hypothetisch",
          "what if", "in case of", "suppose", "voorbereiden", "voorbereid", "preventie", "signalen herkennen",
          "herkennen", "training", "workshop", "lesmateriaal", "lessenreeks", "les over", "cursus"),
    words("haha", "hahaha", "lol", "grapje", "van het lachen", "lachen", "joke", "kidding", "slopen met",
          "afmaken met", "knallen met", "dood van", "doodgaan van", "dood aan", "sterf van", "die of", "dying of",
          "xd", "hihi"),
    words("hoeveel", "cijfers", "statistiek", "percentage", "onderzoek", "evaluatie", "how many", "statistics"),
]))


@dataclass(frozen=True)
class RuleHit:
    category: str
    unit: int
    net: bool  # a safety-net rule


_COMPILED = {cat: [re.compile(p) for p in pats] for cat, pats in CLEAR_RULES.items()}


_QUESTION = re.compile(r"^(?:hoe|wat|welke|waarom|wanneer|hoeveel|wie|waar|is het|kan|mag|moet|how|what|which|why|"
                       r"when|who|is it|can|should)\b")


def clear_hits(text: str) -> list[RuleHit]:
    """Explicit danger, per unit, where that unit has no distancing cue and is no general question. A hit is a
    safety net only when no unit of the message keeps the danger at a distance."""
    out = []
    folded = [fold(u) for u in units(text)]
    far = any(DISTANCE.search(f) for f in folded)
    for i, f in enumerate(folded):
        if DISTANCE.search(f) or _QUESTION.match(f):
            continue
        for cat, pats in _COMPILED.items():
            matched = [j for j, p in enumerate(pats) if p.search(f)]
            if matched:
                out.append(RuleHit(cat, i, any((cat, j) in SAFETY_NET for j in matched) and not far))
    return out


DANGER = re.compile("|".join([STAB, DIE, SUICIDE, ATTACK_POW, ABUSE, THREAT_VERB, BULLET, BLEEDING,
                              words("mes", "messen", "wapen", "pistool", "gun", "knife", "geweld", "rellen", "riot",
                                    "dreig", "bedreig", "aanslag", "bom", "afpers", "doxx", "adres", "zelfmoord",
                                    "suicid", "dood", "vecht", "slaan", "slaat", "geslagen")]))


def distanced(text: str) -> bool:
    """A distancing cue next to danger words: in the same sentence or its neighbour. A cue elsewhere in a
    long message ("een vraag over de training ... terwijl ik dit typ staan er jongeren met messen") excuses
    nothing."""
    folded = [fold(u) for u in units(text)]
    danger = [bool(DANGER.search(f)) for f in folded]
    for i, f in enumerate(folded):
        if DISTANCE.search(f) and any(danger[max(0, i - 1):i + 2]):
            return True
    return False


def rule_features(text: str) -> list[float]:
    """What the learned blend weighs beside the two models: explicit danger without distance, any distance."""
    return [1.0 if clear_hits(text) else 0.0, 1.0 if distanced(text) else 0.0]
