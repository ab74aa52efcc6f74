"""The labelled Dutch PII set: chat messages as practitioners type them, invented people only.

Each template marks entities as {KIND}; values come from invented lists (phone numbers in
fictitious ranges, BSNs and IBANs generated to pass their checks). Deterministic: the same
cases every run. ``cases()`` returns (text, [(start, end, kind)]).
"""
from __future__ import annotations

import itertools
import re

NAMES = ["Daan Hoekstra", "Fatima el Amrani", "Sven de Wilde", "Yusuf Kaya", "Noor Bakker", "Milan Vermeulen",
         "Aylin Demir", "Bram van Oosterwijk", "Sanne Kuipers", "Mohammed Ouali", "Lotte Hendriks",
         "Kofi Mensah", "Eva Schouten", "Ilias Benali", "Roos Verbeek", "Jayden Pinas", "Anouk de Graaf",
         "Tarik Yilmaz", "Femke Jansen", "Dewi Sastro"]
FIRST = ["Daan", "Yusuf", "Noor", "Milan", "Aylin", "Sanne", "Ilias", "Roos", "Jayden", "Tarik"]
PHONES = ["06-12345678", "0612345678", "+31 6 1234 5678", "010-1234567", "06 87654321", "020-7654321",
          "+31612398765", "0031 6 11223344"]
EMAILS = ["daan.h@voorbeeld.nl", "f.elamrani@mail-test.nl", "jongerenwerk.noord@voorbeeld.org",
          "bestuur.moskee@example.nl", "svendewilde@testpost.nl"]
POSTCODES = ["3511 AB", "1012AB", "2514 GL", "9711 KL", "5611 EM"]
ADDRESSES = ["Kerkstraat 12a", "Laan van Meerdervoort 3", "Dorpsweg 45", "Molenplein 7", "Julianastraat 118",
             "Prinsengracht 263-2"]
PLATES = ["12-ABC-3", "AB-12-CD", "1-ABC-23", "GH-123-J", "99-XY-11", "K-345-LM"]
DOBS = ["geboren op 12-03-2009", "geb. 4 mei 2007", "geboortedatum 21-11-2010", "geboren 1 januari 2008",
        "date of birth 03/07/2006"]
COUNTRY = "NL"


def _bsns(n: int) -> list[str]:
    out, x = [], 123456782
    while len(out) < n:
        d = f"{x:09d}"
        if sum(int(c) * w for c, w in zip(d[:8], range(9, 1, -1))) % 11 == int(d[8]) % 11 and \
                (sum(int(c) * w for c, w in zip(d[:8], range(9, 1, -1))) - int(d[8])) % 11 == 0:
            out.append(d)
        x += 7919
    return out


def _ibans(n: int) -> list[str]:
    out = []
    for i, bank in zip(range(n), itertools.cycle(["ABNA", "RABO", "INGB", "TRIO"])):
        account = f"{417164300 + i * 1013:010d}"
        base = bank + account + "2321"  # NL -> 23 21
        check = 98 - int("".join(str(int(c, 36)) for c in base) + "00") % 97
        out.append(f"NL{check:02d}{bank}{account}")
    return out


BSNS = _bsns(6)
IBANS = _ibans(6)

TEMPLATES = [
    "Ik begeleid {NAAM}, hij zegt dat hij bedreigd wordt op school. Hoe pak ik dit aan?",
    "Mijn collega {NAAM} heeft gisteren een training gevolgd, is daar materiaal van?",
    "hoi ik ben {NAAM} van het jongerenwerk, je kan me bereiken op {TELEFOON}",
    "Kunt u {NAAM} terugbellen op {TELEFOON}? Het gaat over de moskee.",
    "Mail graag naar {EMAIL}, dan stuur ik de vragen van ons bestuur door.",
    "De ouders van {NAAM} wonen op {ADRES}, {POSTCODE} en maken zich zorgen over ronselen.",
    "Er stond vannacht een auto met kenteken {KENTEKEN} voor de moskee, wat moeten we daarmee?",
    "Leerling {NAAM} ({GEBOORTEDATUM}) uit mijn klas doet extreme uitspraken.",
    "Voor de subsidie-aanvraag: ons rekeningnummer is {IBAN}, t.n.v. stichting buurthuis.",
    "Het BSN van de jongen is {BSN}, mag ik dat delen met de gemeente?",
    "Wij zitten op {ADRES} in Den Haag, postcode {POSTCODE}.",
    "{NAAM} van de moskee vroeg of ESS een bijeenkomst kan organiseren.",
    "Meneer {NAAM} zegt dat hij niet meer naar de bijeenkomsten durft.",
    "Kun je contact opnemen met {NAAM} ({EMAIL}) over de kennisnetwerken?",
    "my name is {NAAM}, I'm a youth worker, my number is {TELEFOON}",
    "Please email {EMAIL} about the training for our team.",
    "The boy, {NAAM}, {GEBOORTEDATUM}, is being recruited by a gang.",
    "Mijn buurman {NAAM} woont op {ADRES} en hangt rare vlaggen op.",
    "bel {TELEFOON} of mail {EMAIL} als er nieuws is",
    "ik heb {NAAM} gesproken, ze zit nu bij haar tante op {ADRES}",
    "De auto ({KENTEKEN}) van {NAAM} is bekrast met hakenkruizen.",
    "Stuur de factuur naar {IBAN} ter attentie van {NAAM}.",
    "jongen heet {FIRST} en zit in groep 8, hij is bang voor de jongens uit de wijk",
    "Mijn naam is {NAAM} en ik ben voorzitter van het moskeebestuur.",
    "Hij woont in {POSTCODE} en zijn BSN is {BSN}.",
    "Onze imam, {NAAM}, krijgt haatmails op {EMAIL}.",
]

CLEAN = [
    "Wat raadt de depolarisatie-aanpak aan bij twee groepen in een jongerencentrum?",
    "Bij acuut gevaar bel je 112, bij zorgen over suïcide 113 of 0800-0113.",
    "Veilig Thuis is bereikbaar op 0800-2000 en Meld Misdaad Anoniem op 0800-7000.",
    "De politie is bereikbaar op 0900-8844 als het geen spoed is.",
    "Op 12 maart 2024 hebben we een bijeenkomst met 40 jongeren in Rotterdam.",
    "In 2021 is Platform JEP geëvalueerd; 2.100 professionals volgden de training.",
    "Onze gemeente Zwolle wil een netwerk van sleutelfiguren opzetten.",
    "Het budget is 25.000 euro voor twee jaar, met 10-15 deelnemers per groep.",
    "Wat doet de ESS samen met KIS en het Landelijk Steunpunt Extremisme?",
    "Is de Handreiking Veilige Moskee ook in het Engels beschikbaar?",
    "We organiseren op 3 juni een werkatelier in Utrecht voor zorg- en veiligheidspartners.",
    "Hoeveel procent van de gemeenten kent de ESS? Ik las 45%.",
    "De opkomst bij de gemeenteraadsverkiezingen van 2022 was net boven de 50%.",
    "Kan de wijkagent bij het gesprek met het moskeebestuur aanwezig zijn?",
    "How does the ESS support municipalities in Gelderland?",
    "What did the 2025 evaluation say about resilient communities?",
    "Welke rol speelt het ministerie van SZW bij de ESS?",
    "Wij zijn een stichting in Amsterdam-Noord met 300 leden.",
    "Artikel 3 van de wet gaat over openbare orde; zie ook hoofdstuk 2.4.",
    "Er waren 21 interviews met ongeveer 30 experts in oktober en november 2023.",
    "Onze moskee aan de overkant van het station heeft veel bezoekers.",
    "Tussen 2018 en 2021 ondersteunde de ESS meer dan 100 gemeenten.",
    "De Eritrese en Koerdische netwerken komen vier keer per jaar samen.",
    "Kan ik de Toolkit Evidence Based Werken downloaden?",
    "In de wijk Kanaleneiland is de spanning toegenomen na de zomer.",
    "Onze school in Den Bosch wil iets doen tegen discriminatie op stages.",
    "Het kennisnetwerk islamitische gemeenschappen in Overijssel bestaat sinds 2019.",
    "Bel na 17.00 uur niet meer naar het algemene nummer van de gemeente.",
    "De jongeren zijn tussen 17 en 26 jaar oud.",
    "Our youth club in Almere has 60 members aged 12 to 18.",
]


def _values(kind: str, i: int) -> str:
    pools = {"NAAM": NAMES, "FIRST": FIRST, "TELEFOON": PHONES, "EMAIL": EMAILS, "POSTCODE": POSTCODES,
             "ADRES": ADDRESSES, "KENTEKEN": PLATES, "GEBOORTEDATUM": DOBS, "BSN": BSNS, "IBAN": IBANS}
    pool = pools[kind]
    return pool[i % len(pool)]


def cases() -> list[tuple[str, list[tuple[int, int, str]]]]:
    out = []
    counter = 0
    for rep in range(4):
        for t in TEMPLATES:
            text, spans, pos = "", [], 0
            for m in re.finditer(r"\{(\w+)\}", t):
                text += t[pos:m.start()]
                kind = m.group(1)
                value = _values(kind, counter + rep * 3)
                counter += 1
                start = len(text)
                text += value
                # the labelled span of a date of birth is the date with its cue; a first name is a NAAM
                spans.append((start, len(text), "NAAM" if kind == "FIRST" else kind))
                pos = m.end()
            text += t[pos:]
            out.append((text, spans))
    out.extend((c, []) for c in CLEAN)
    return out
