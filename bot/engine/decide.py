"""Hand-over decisions that do not depend on retrieval: the asker wants a person, or the
question is outside what the ESS does (legal advice, someone's contact details or names,
funding amounts, other organisations' tasks).

Patterns are deliberately about what is *asked* ("wat is het nummer van", "wie waren
de betrokkenen"), not about topics, so a question about how contact with a community
works is still answered from the handbooks.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .tickets import Reason

_F = re.I | re.UNICODE

ASKED_FOR_HUMAN = re.compile(
    r"(/adviseur\b|\b(een|met een|naar een|wil(de)? (graag )?een|kan ik een|spreek|spreken|bellen met|contact met)\s+"
    r"(echte?\s+)?(adviseur|mens|persoon|medewerker)\b|\bmet iemand (praten|spreken|bellen)\b|"
    r"\bkan (er )?iemand (me|mij) (terug)?bellen\b|\bgeen (bot|robot|computer)\b|"
    r"\b(talk|speak) to (a |an )?(human|person|advisor|adviser|someone|real person)\b|\bhuman (advisor|please)\b|"
    r"\bconnect me (with|to)\b)", _F)

# Someone's contact details, or the names of people involved: the knowledge base does not hold them,
# and naming community contacts can put them at risk.
CONTACT_OR_NAMES = re.compile(
    r"(\b(06|telefoon|tel\.?|mobiel|gsm)[- ]?(nummer|nr)\b|\be-?mail(adres)?\s+van\b|\bcontactgegevens\b|"
    r"\bprivé[- ]?nummer\b|\bwie (waren|zijn) (daar )?(de )?(betrokkenen|betrokken personen|contactpersonen)\b|"
    r"\bmet wie (hebben|heeft|hadden|spraken|sprak) (ze|zij|hij|de ess)\b|\bnamen van\b|\bwelke personen\b|"
    r"\bphone number\b|\bemail address of\b|\bcontact details\b|\bwho (were|was) involved\b|\bnames of\b)", _F)

LEGAL = re.compile(
    r"(\bjuridisch(e)? (advies|hulp|vraag)\b|\badvocaat\b|\brechtszaak\b|\baansprakelijk\b|\bmag (dat|dit) (wettelijk|juridisch)\b|"
    r"\bis (dat|dit) (wel )?legaal\b|\bkan ik (iemand|hem|haar|ze) aanklagen\b|\blegal advice\b|\blawyer\b|\bsue\b)", _F)

FUNDING_AMOUNT = re.compile(
    r"(\bhoeveel (subsidie|geld|euro|budget) (krijgen|kunnen|kan|mogen|gaan)\b|\bsubsidie aanvragen bij (de )?ess\b|"
    r"\bhow much (funding|money|subsidy) (can|will|do) we\b)", _F)


# Operational decisions that belong to the local "driehoek" (mayor, police, public prosecutor) or to
# another organisation's own protocol: the ESS advises, it does not set those thresholds.
OTHER_ORGANISATION = re.compile(
    r"(\b(opschalen|escaleren) naar (de )?(lokale )?(driehoek|burgemeester|politie|veiligheidsregio)\b|"
    r"\bvanaf welke (score|drempel|grens|waarde)\b|\bnoodverordening (afkondigen|instellen)\b|"
    r"\bwhen (do|should) we escalate to (the )?(police|mayor)\b)", _F)


@dataclass(frozen=True)
class ScopeDecision:
    handover: bool
    reason: Reason | None = None  # asked_for_human | out_of_scope
    scope: str | None = None  # contact | legal | funding | other_organisation


def decide_scope(text: str) -> ScopeDecision:
    if ASKED_FOR_HUMAN.search(text):
        return ScopeDecision(True, Reason.ASKED_FOR_HUMAN)
    for name, pattern in (("contact", CONTACT_OR_NAMES), ("legal", LEGAL), ("funding", FUNDING_AMOUNT),
                          ("other_organisation", OTHER_ORGANISATION)):
        if pattern.search(text):
            return ScopeDecision(True, Reason.OUT_OF_SCOPE, name)
    return ScopeDecision(False)
