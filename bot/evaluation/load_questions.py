"""The question mix of `essbot bench-load`: practitioners' questions about the sample knowledge base.

Written for the benchmark (no real people, places only as context). Mostly answerable questions, some
that go to an advisor (out of scope, asked for a person, too vague) and a few urgent ones, roughly the
mix the channels see; two in English.
"""
from __future__ import annotations

QUESTIONS: tuple[str, ...] = (
    # answerable: what the ESS does
    "Wat doet de Expertise-unit Sociale Stabiliteit precies en voor wie is zij er?",
    "Ik ben jongerenwerker in een middelgrote gemeente. Kan ik bij de ESS terecht voor advies over spanningen in de wijk?",
    "Welke handreikingen heeft de ESS voor professionals die met polarisatie te maken hebben?",
    "Organiseert de ESS trainingen over reageren op discriminatie voor ambtenaren?",
    "Hoe werkt het als ik een vraag aan de ESS stel die niet in de handreikingen staat?",
    "Wat is Platform JEP en sinds wanneer hoort het bij de ESS?",
    # depolarisation and youth work
    "Twee groepen jongeren schelden elkaar online uit en dat loopt op straat door. Wat raadt de depolarisatie-aanpak aan?",
    "Wat verstaan jullie onder polarisatie en wanneer wordt het een probleem voor de wijk?",
    "Wat kan ik als docent doen als leerlingen in de klas steeds meer tegenover elkaar komen te staan?",
    "Hoe herken ik als jongerenwerker signalen dat een jongere radicaliseert?",
    "Zijn er trainingen voor eerstelijnsprofessionals over radicalisering en extremisme?",
    "Welke praktische tips zijn er voor vrijwilligers die met jongeren werken die extreme ideeën uiten?",
    "Wanneer is het verstandig om hulp in te schakelen bij polarisatie tussen groepen bewoners?",
    "Wat zijn de vier manieren om anders met polarisatie om te gaan?",
    # mosques and media
    "Bij onze moskee bellen journalisten na een incident in de stad. Hoe bereiden wij ons als bestuur voor op de media?",
    "Wat staat er in de handreiking Veilige Moskee over voorbereiding op dreiging?",
    "Hoe kan een moskeebestuur afspraken maken over wie het woord voert tegenover de pers?",
    "Welke stappen zet een gebedshuis om de veiligheid van bezoekers te verbeteren?",
    # unrest, undermining, social domain
    "Welke informatie heeft een gemeente nodig om maatschappelijke onrust goed in te schatten?",
    "Wat zijn signalen van maatschappelijke onrust, online en offline?",
    "Wie doet wat bij onrust in een gemeente: welke rol heeft de gemeente en welke de ESS?",
    "Hoe maken we een gemeenschap weerbaar tegen criminele invloed zonder de buurt te stigmatiseren?",
    "Wat deden andere gemeenten tegen ondermijning in wijken waar jongeren worden geronseld?",
    "Hoe hangen sociale stabiliteit en samenhang in de wijk met elkaar samen?",
    "Wat kunnen wij als sociaal team doen aan een groeiende tweedeling in de gemeente?",
    "Hoe kun je werken aan vertrouwen in de overheid bij bewoners die zich niet gehoord voelen?",
    # networks and evidence
    "Hoe leg ik als ambtenaar contact met een gemeenschap waar de gemeente nog geen ingang heeft?",
    "Hoe zorg je voor de veiligheid van contactpersonen uit gemeenschappen?",
    "Kan de ESS helpen met informatie in andere talen tijdens een crisis?",
    "Hoe kan ik nagaan of onze aanpak tegen radicalisering werkt?",
    "Wat zijn de vijf stappen van de Toolkit Evidence Based Werken?",
    # English
    "What does the ESS offer to youth workers who worry about polarisation?",
    "How should a mosque board deal with journalists after a threat?",
    # out of scope or asked for a person: hand-over
    "Kunt u mij het telefoonnummer van de contactpersoon van het kennisnetwerk geven?",
    "Is het juridisch wel toegestaan om een demonstratie bij ons buurthuis te verbieden? Ik wil juridisch advies.",
    "Hoeveel subsidie kunnen wij krijgen voor een project tegen polarisatie?",
    "Ik wil graag met een adviseur spreken over een lastige situatie in onze wijk.",
    "Hoe zit het met de parkeervergunning voor ons buurthuis?",
    # urgent
    "Er staan nu mannen met stokken voor de deur van onze moskee en ze bedreigen de bezoekers!",
    "Een leerling appte me net dat hij er een eind aan wil maken. Wat moet ik doen?",
)
