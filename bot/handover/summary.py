"""The case summary an advisor reads first: question, conversation, what was found, why handed over, a draft."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.storage.models import Message, Reason, Ticket, parse_reason

REASONS_NL = {
    Reason.LOW_CONFIDENCE: "De kennisbank gaf geen betrouwbaar antwoord.",
    Reason.ASKED_FOR_HUMAN: "De vrager wil iemand spreken.",
    Reason.OUT_OF_SCOPE: "De vraag valt buiten wat de ESS doet.",
    Reason.NEGATIVE_FEEDBACK: "De vrager vond het antwoord niet nuttig.",
    Reason.UNAVAILABLE: "De zoekfunctie was niet beschikbaar.",
    Reason.NOT_IN_SOURCES: "De handreikingen gaan over het onderwerp, maar bevatten niet wat gevraagd wordt.",
}
SCOPES_NL = {"legal": "juridisch advies", "funding": "financiering", "contact": "contactgegevens of namen",
             "other_organisation": "een andere organisatie", "amount": "een bedrag", "date": "een datum of termijn",
             "percentage": "een percentage", "count": "een aantal", "ranking": "wat het beste werkt",
             "current_status": "de huidige stand van zaken", "which_place": "welke plaats of organisatie",
             "diagnosis": "een oordeel over één persoon", "operational": "een besluit in een concrete zaak"}
URGENT_NL = {"self_harm": "suïcide of zelfbeschadiging", "violence_now": "geweld op dit moment",
             "violence_planned": "aangekondigd geweld", "place_of_worship": "gebedshuis of opvang bedreigd",
             "child_in_danger": "kind in gevaar", "extortion_threat": "afpersing of intimidatie",
             "crowd_unrest": "menigte of rellen", "doxxing_threat": "adres gedeeld met dreiging",
             # categories of tickets from before 2026-12
             "violence": "dreigend geweld", "weapon": "wapens", "threat": "bedreiging", "arson": "brandstichting",
             "riot": "rellen", "minor_danger": "minderjarige in gevaar", "intimidation": "criminele intimidatie"}


def reason_nl(stored: str) -> str:
    reason, detail = parse_reason(stored)
    if reason in (Reason.URGENT, Reason.URGENT_POSSIBLE):
        # older tickets may list several categories, comma-separated
        cats = ", ".join(URGENT_NL.get(c, c) for c in (detail or "").split(",") if c)
        if reason == Reason.URGENT:
            return "Urgent: " + (cats or "acute situatie") + ". De vrager kreeg direct 112/113-informatie."
        return ("Mogelijk acuut: " + (cats or "mogelijk gevaar") + ". Controleer of er gevaar is; de "
                "vrager kreeg 112/113-informatie en daarna het antwoord uit de kennisbank.")
    text = REASONS_NL.get(reason, reason)
    if detail:
        text += f" ({SCOPES_NL.get(detail, detail)})"
    return text


@dataclass
class CaseSummary:
    ref: str
    question: str
    reason: str
    conversation: list[tuple[datetime, str, str]] = field(default_factory=list)  # (aware UTC time, author, redacted text)
    sources: list[dict] = field(default_factory=list)  # numbered citation data with scores
    draft: str | None = None


def case_summary(s: Session, ticket: Ticket, turns: int = 20) -> CaseSummary:
    rows = s.scalars(select(Message).where(Message.conversation_id == ticket.conversation_id,
                                           Message.author != "reset")
                     .order_by(Message.at.desc(), Message.id.desc()).limit(turns)).all()
    conversation = [(m.at, m.author, m.text) for m in reversed(rows)]
    sources = [dict(c, n=i) for i, c in enumerate(ticket.context or [], 1)]
    return CaseSummary(ticket.ref, ticket.question, reason_nl(ticket.reason), conversation, sources, ticket.draft)
