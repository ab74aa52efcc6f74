"""Urgent triage: danger now is flagged, questions about danger in a handbook sense are not."""
from __future__ import annotations

import json

import pytest

from bot.engine.triage import triage

URGENT = [
    ("Er staan nu mannen voor de moskee die stenen gooien, wat moeten we doen", "place_of_worship"),
    ("HELP er wordt nu brand gesticht bij onze moskee!!", "place_of_worship"),
    ("er staat een groep met fakkels en benzine bij het azc, nu op dit moment", "place_of_worship"),
    ("Someone is throwing stones at our mosque right now, kids inside", "place_of_worship"),
    ("there's a man with a knife outside the synagogue right now", "place_of_worship"),
    ("Net een dreigbrief onder de deur van onze kerk gevonden, ze dreigen het gebouw in brand te steken", "place_of_worship"),
    ("we worden bedreigd door een groep jongeren bij het gebedshuis, ze staan buiten te schreeuwen", "place_of_worship"),
    ("Er zijn nu rellen in onze wijk, er worden autos in brand gestoken en ruiten ingegooid", "riot"),
    ("riots are starting right now near the asylum centre, people are attacking the fence", "place_of_worship"),
    ("in het winkelcentrum is net een vechtpartij met messen uitgebroken", "weapon"),
    ("een leerling van mij zegt dat hij morgen met een mes naar school komt om iemand te steken", "weapon"),
    ("a student just told me he has a gun in his bag", "weapon"),
    ("Een jongere appt me net dat hij zichzelf iets aan wil doen", "self_harm"),
    ("mijn cliënt zegt dat ze niet meer wil leven en reageert niet meer", "self_harm"),
    ("ik zie het niet meer zitten en wil er een eind aan maken", "self_harm"),
    ("Een leerling appte me net dat hij er een eind aan wil maken", "self_harm"),
    ("Mijn buurvrouw belde dat ze een einde aan haar leven gaat maken", "self_harm"),
    ("een meisje uit mijn groep stuurde me een afscheidsbrief", "self_harm"),
    ("He texted me that he wants to kill himself tonight", "self_harm"),
    ("ik wil dood", "self_harm"),
    ("my student says everyone is better off without me and wants to end it all", "self_harm"),
    ("een jongen van 16 vertelde me net dat zijn vader hem slaat en hij durft niet naar huis", "minor_danger"),
    ("er is een kind van 8 alleen achtergelaten en het wordt geslagen, wat moet ik doen", "minor_danger"),
    ("Een leerling is misbruikt door een oom en moet vanavond weer naar hem toe", "minor_danger"),
    ("a girl in my youth club was abused and is scared to go home tonight", "minor_danger"),
    ("drie mannen stonden voor de deur van mijn cliënt over een drugsschuld, ze weten waar hij woont", "intimidation"),
    ("Ik word afgeperst door criminelen, ze weten waar ik woon", "intimidation"),
    ("a young man I support has a drug debt and they are threatening him right now", "intimidation"),
    ("jongeren worden nu op straat geronseld en bedreigd als ze nee zeggen", "intimidation"),
    ("HEEEELP ze slaan iemand in elkaar voor het buurthuis", "violence"),
    ("er wordt net geschoten in de straat", "weapon"),
    ("Er is zojuist een brandbom tegen de moskee gegooid", "place_of_worship"),
    ("ons azc wordt op dit moment belaagd door een menigte, politie is er nog niet", "place_of_worship"),
    ("onze imam kreeg vanochtend een doodsbedreiging en die mannen staan nu bij de ingang", "place_of_worship"),
    ("we are being threatened by a mob outside our church", "place_of_worship"),
    ("er zijn mensen met bivakmutsen bij het asielzoekerscentrum, nu", "place_of_worship"),
    ("in de klas dreigt een leerling nu met een pistool", "weapon"),
    ("mijn collega is net mishandeld door een bezoeker, hij bloedt", "violence"),
    ("ik ben bedreigd met de dood door een groep in de wijk", "threat"),
    ("someone just set fire to the mosque door", "place_of_worship"),
    ("de jongen zegt dat het beter is als hij er niet meer is, hij reageert nu niet meer", "self_harm"),
    ("leerling heeft net gezegd dat ie zichzelf gaat snijden vanavond", "self_harm"),
]

NOT_URGENT = [
    "Hoe bereiden we ons als moskeebestuur voor op mogelijke bedreigingen?",
    "Wat zegt de handreiking over brandstichting bij azc's in het verleden?",
    "Hoe praat ik met jongeren over geweld en extremisme?",
    "What does ESS offer after riots in a city?",
    "Welke training helpt bij signalen van radicalisering?",
    "Hoe voorkomen we dat spanningen escaleren tot rellen?",
    "Er was vorig jaar een demonstratie bij onze moskee, hoe gaan we om met de media?",
    "suïcidepreventie op school: welk materiaal is er?",
    "Wat raadt de depolarisatie-aanpak aan als twee groepen elkaar uitschelden?",
    "Hoe kan een gemeente het vertrouwen herstellen na ongeregeldheden?",
    "Welke rol heeft de wijkagent bij spanningen rond een azc?",
    "Is er een handreiking over de veiligheid van moskeeën?",
    "Hoe herken ik signalen van ondermijning in een wijk?",
    "Hoe ga ik om met een leerling die complotdenken aanhangt?",
    "How can we prevent violence against mosques in our municipality?",
    "What training is there for teachers on discussing terrorism in class?",
    "Kunnen jullie iets vertellen over de aanpak van drugscriminaliteit en ronselen van jongeren in het algemeen?",
    "Hoe werkt de Toolkit Evidence Based Werken bij radicaliseringspreventie?",
    "Wat doet de ESS bij maatschappelijke onrust?",
    "Onze gemeente wil een netwerk van sleutelfiguren opzetten, hoe pakken we dat aan?",
    "Welke lessen zijn er geleerd na de avondklokrellen?",
    "Hoe kan ik als docent het gesprek over de oorlog in het Midden-Oosten voeren?",
    "Wat is het verschil tussen polarisatie en radicalisering?",
    "Hoe ondersteunt de ESS moskeebesturen die met bedreigingen te maken krijgen?",
    "We want to talk about self-harm prevention with youth workers, is there material?",
    "Hoe kun je als jongerenwerker signalen van huiselijk geweld bespreekbaar maken?",
    "Welke organisaties werken aan preventie van extremisme?",
    "Hoe voorkom je stigmatisering bij de aanpak van criminaliteit in een gemeenschap?",
    "Wat is bekend over de effectiviteit van trainingen tegen discriminatie?",
    "Wat kan ik doen als ouders zich zorgen maken over online haat?",
    "Mijn team wil een training over weerbaarheid van jongeren, wat is er?",
    "Hoe bereik je migrantengemeenschappen met informatie tijdens een crisis?",
    "Hoe zorgen we dat een buurtbijeenkomst over de komst van een azc niet uit de hand loopt?",
    "What are early signals of social unrest according to experts?",
    "Hoe pakken andere gemeenten intimidatie van raadsleden aan?",
    "Wat moet ik doen als een jongere extreme uitspraken doet in de groep?",
    "Hoe gaan we als school om met een dreigende vechtpartij die op sociale media wordt aangekondigd voor volgende week?",
    "Hoe kan de gemeente de dialoog tussen kerk en moskee stimuleren?",
    "Wat is de rol van de burgemeester bij dreigende onrust?",
    "Kunnen we de kennisnetwerken gebruiken om geruchten over geweld te ontkrachten?",
    "Hoe ondersteunen we vrijwilligers die bij een moskee de beveiliging regelen?",
    "Waar vind ik de factsheets van de ESS?",
    "Welke ervaringen hebben gemeenten met huisbezoeken tegen ondermijning?",
    "How do I support a colleague who was threatened last year?",
    "Wat zijn risicofactoren voor radicalisering bij jongeren?",
    "Hoe voer ik een gesprek met een jongere over een schietpartij in het nieuws?",
    "Welke cursus is er over omgaan met agressie aan de balie?",
    "Is er een draaiboek voor wat te doen bij een brand in een gebedshuis?",
    "How does ESS work with the Eritrean community?",
    "Wat betekent 'de ogen en oren' van de ESS?",
    "Onze wijk heeft last van spanningen tussen twee groepen, wat zijn goede stappen?",
    "Hoe zijn de trainingen van Platform JEP beoordeeld?",
    "Wat kunnen scholen doen tegen ronselpraktijken van criminelen?",
    "Hoe kunnen we na een aanslag elders in Europa de rust in onze wijk bewaren?",
    "Wat zeggen de experts over online en offline onrust?",
    "Hoe ga ik het gesprek aan met een moskeebestuur over veiligheid?",
    "Welke hulp is er voor gemeenten bij het organiseren van een werkatelier?",
    "Hoe kun je voorkomen dat jongeren in de drugshandel terechtkomen?",
    "Wat doet Veilig Thuis precies en wanneer schakel ik ze in?",
    "Which signals of polarisation should a teacher watch for?",
]


@pytest.mark.parametrize("message,category", URGENT)
def test_urgent_messages_are_flagged(message, category):
    t = triage(message)
    assert t.urgent, f"not flagged: {message!r} ({t})"
    assert t.categories[0] == category, f"{message!r}: {t.categories}"


def test_questions_about_danger_are_not_flagged():
    flagged = [m for m in NOT_URGENT if triage(m).urgent]
    print("flagged:", flagged)
    assert len(flagged) <= 1, flagged


def test_cues_are_lexicon_words_not_message_text():
    t = triage("Er staan nu mannen met messen bij de moskee van Kees")
    assert t.urgent and "kees" not in " ".join(t.cues)


def test_dev_set_urgent_recall_and_false_urgent(dev_set):
    rows = [json.loads(line) for line in dev_set.read_text(encoding="utf-8").splitlines() if line.strip()]
    urgent = [r for r in rows if r["kind"] == "urgent"]
    answerable = [r for r in rows if r["answerable"]]
    assert urgent and all(triage(r["question"]).urgent for r in urgent)
    false = [r["id"] for r in answerable if triage(r["question"]).urgent]
    assert len(false) / len(answerable) <= 0.02, false
