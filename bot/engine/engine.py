"""The one entry point every channel calls: an inbound message becomes one outcome.

Order matters and is the product's promise:
1. redact personal data — nothing after this step sees the raw text;
2. urgent triage — danger gets 112/113 guidance and an urgent ticket before anything else;
3. the asker wants a person, or asks what the ESS does not do -> hand-over (with scope and referral);
4. retrieve (a follow-up is searched together with the previous question);
5. retrieval confidence below the calibrated threshold -> hand-over;
6. answer: LLM when configured and grounded, else extractive; the answer cites its passages.
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import replace
from datetime import timedelta

from bot.config import Settings
from bot.i18n import text as T
from bot.index.vectors import VectorStoreUnavailable
from bot.observability import metrics
from bot.retrieval.hybrid import HybridRetriever
from bot.retrieval.passage import Passage, SearchResult, cite_places, renumber
from bot.triage import CLEAR, Triage, triage

from . import language as lang_mod
from .answerability import expect, supported
from .conversation import Turn, search_text
from .decide import decide_scope
from .compose import compose, quotable_sentences, render_composition
from .messages import Citation, InboundMessage, Kind, Outcome
from .rejections import MessageRejected, Rejection, check_text  # MessageRejected: channels import it here
from .ports import ConversationStore, EventSink, TicketSink
from .tickets import OFFICE_TZ, Priority, Reason, TicketRequest, format_reason

log = logging.getLogger(__name__)

# Which guidance comes first for which triage category (the rest: urgent.general).
_URGENT_TEXT = {
    "self_harm": "urgent.self_harm",
    "child_in_danger": "urgent.minor",
    "extortion_threat": "urgent.intimidation",
    "doxxing_threat": "urgent.intimidation",
    "place_of_worship": "urgent.place_of_worship",
}


def emergency_text(category: str | None, lang: str, ticket: str | None = None) -> str:
    """The guidance for a category. Without a ticket: the static lines only (no database needed), for
    a message a channel could not take (limited, too long, an outage) that reads as urgent."""
    key = _URGENT_TEXT.get(category or "", "urgent.general")
    if ticket is None:
        return T(key + ".static", lang)
    return T(key, lang, ticket=ticket)


def interrupted_notice(lang: str, ticket: str, urgent_category: str | None) -> str:
    """What an asker is told when their question was handed over because answering it was interrupted."""
    if urgent_category:
        return T("interrupted.lead", lang) + "\n\n" + emergency_text(urgent_category, lang, ticket)
    return T("handover.interrupted", lang, ticket=ticket)


class Engine:
    def __init__(self, settings: Settings, *, tickets: TicketSink, conversations: ConversationStore,
                 events: EventSink | None = None, retriever: HybridRetriever | None = None, redactor=None, llm=None):
        """The ports (tickets, conversations, events) come from the composition root (bot.runtime)."""
        self.settings = settings
        self._retriever = retriever
        self._retriever_lock = threading.Lock()
        self.tickets = tickets
        self.conversations = conversations
        self.events = events
        if redactor is None:
            from bot.privacy import get_redactor

            redactor = get_redactor()
        self.redactor = redactor
        self.llm = llm
        if llm is None and settings.answer_mode == "llm":
            from .llm import LLMAnswerer

            self.llm = LLMAnswerer(settings)

    @property
    def retriever(self) -> HybridRetriever:
        if self._retriever is None:
            with self._retriever_lock:  # a burst of first questions must build one index, not one per thread
                if self._retriever is None:
                    from bot.index.store import Index

                    self._retriever = HybridRetriever(Index(self.settings))
        return self._retriever

    # ------------------------------------------------------------------------------
    def handle(self, msg: InboundMessage) -> Outcome:
        started = time.perf_counter()
        raw = msg.text or ""
        if not raw.strip():
            raise MessageRejected(Rejection.EMPTY, msg.language)
        # Triage reads the asker's own words, in memory (only a hash is kept), as the channels did before their
        # limits: its model learned from unredacted messages, and "Mail mij op [EMAIL]." is not what was written.
        tri = triage(raw)
        # a long message about danger is taken whole: urgent is never refused for its length
        check_text(raw, self.settings.max_message_chars, urgent=tri.urgent, language=msg.language)
        redacted = self.redactor.redact(raw).text
        lang = msg.language or lang_mod.detect(redacted)
        t_redact = time.perf_counter()
        # Stored before answering: if this process dies now, the worker hands the question over.
        pending = self.conversations.begin(msg.conversation_id, redacted, channel=msg.channel, asker=msg.asker)
        msg = replace(msg, pending_id=pending)

        outcome = self._waiting_ticket(msg, redacted, lang, tri) or self._decide(msg, redacted, lang, tri)
        outcome.redacted_question = redacted
        outcome.language = lang
        outcome.timings_ms.update({"redact": (t_redact - started) * 1e3, "total": (time.perf_counter() - started) * 1e3})
        self._record(msg, pending, outcome)
        metrics.outcome(outcome.kind.value, outcome.reason, outcome.timings_ms["total"] / 1e3)  # observability
        log.info("outcome kind=%s reason=%s theme=%s conf=%.2f ms=%.1f", outcome.kind.value, outcome.reason,
                 outcome.theme, outcome.confidence, outcome.timings_ms["total"])
        return outcome

    def feedback(self, msg: InboundMessage, helpful: bool) -> Outcome | None:
        """Feedback on the last answer; "niet nuttig" hands the last question over to an advisor."""
        outcome = None if helpful else self._feedback_handover(msg)
        self.tickets.record_feedback(msg.conversation_id, helpful, ticket_ref=outcome.ticket_ref if outcome else None)
        if self.events is not None:
            self.events.feedback(msg, helpful, outcome.redacted_question if outcome else None)
        if outcome is not None:
            metrics.outcome(outcome.kind.value, outcome.reason, None)  # observability
        return outcome

    def _feedback_handover(self, msg: InboundMessage) -> Outcome | None:
        last = next((t.text for t in reversed(self.conversations.history(msg.conversation_id)) if t.role == "user"),
                    None)
        if last is None:
            return None
        lang = msg.language or lang_mod.detect(last)
        outcome = self._handover(msg, last, lang, Reason.NEGATIVE_FEEDBACK, None)
        outcome.redacted_question = last
        outcome.language = lang
        return outcome

    def request_advisor(self, msg: InboundMessage) -> Outcome | None:
        """The asker asks for a person (a button, `/adviseur`): with text, that text goes over; without,
        the last question of the conversation. None when there is nothing to hand over yet."""
        text = (msg.text or "").strip()
        if text:
            tri = triage(text)  # the asker's own words, as in handle()
            check_text(text, self.settings.max_message_chars, urgent=tri.urgent, language=msg.language)
            question = self.redactor.redact(text).text
        else:
            question = next((t.text for t in reversed(self.conversations.history(msg.conversation_id))
                             if t.role == "user"), None)
            if question is None:
                return None
            tri = triage(question)  # the stored question is redacted: triage copes with its placeholders
        lang = msg.language or lang_mod.detect(question)
        # whoever asks for a person while in danger gets the emergency lines and an urgent ticket, either tier
        outcome = (self._urgent(msg, question, lang, tri) if tri.urgent else
                   self._handover(msg, question, lang, Reason.ASKED_FOR_HUMAN, None))
        outcome.redacted_question, outcome.language = question, lang
        if text:
            self.conversations.append(msg.conversation_id, "user", question, channel=msg.channel, asker=msg.asker)
        self._record(msg, None, outcome)
        metrics.outcome(outcome.kind.value, outcome.reason, None)  # observability
        return outcome

    def _record(self, msg: InboundMessage, pending: int | None, outcome: Outcome) -> None:
        """The answer whole (its text is built from redacted input and the handbooks), its kind and citations, and
        its insight event, with the question's end of pending: one write."""
        event = self.events.question_event(msg, outcome) if self.events is not None else None
        self.conversations.finish(msg.conversation_id, pending, outcome.text, outcome.kind.value, outcome.citations,
                                  extra=[event] if event is not None else [])

    def reset(self, conversation_id: str, language: str = "nl") -> str:
        self.conversations.reset(conversation_id)
        return T("reset_done", language)

    # ------------------------------------------------------------------------------
    def _waiting_ticket(self, msg: InboundMessage, redacted: str, lang: str, tri: Triage) -> Outcome | None:
        """An advisor asked this asker a question: the reply joins that ticket (unless it is urgent)."""
        if tri.urgent:
            return None
        ref = self.tickets.asker_followup(msg.conversation_id, redacted)
        if ref is None:
            return None
        return Outcome(Kind.HANDOVER, T("handover.info_added", lang, ticket=ref.ref,
                                        deadline=_format_deadline(ref.deadline, lang)),
                       ticket_ref=ref.ref, reason=Reason.ASKER_REPLY)

    def _decide(self, msg: InboundMessage, redacted: str, lang: str, tri: Triage) -> Outcome:
        if tri.urgent and tri.tier == CLEAR:
            return self._urgent(msg, redacted, lang, tri)
        if tri.urgent:  # possible danger: the emergency lines first, then what the knowledge base says
            return self._possibly_urgent(msg, redacted, lang, tri)

        scope = decide_scope(redacted)
        if scope.handover and scope.reason == Reason.ASKED_FOR_HUMAN:
            return self._handover(msg, redacted, lang, Reason.ASKED_FOR_HUMAN, None)

        history = self.conversations.history(
            msg.conversation_id, within=timedelta(minutes=self.settings.followup_window_minutes))
        query = search_text(redacted, history)
        try:
            result = self.retriever.search(query, k=self.settings.top_k)
        except VectorStoreUnavailable:
            log.error("search unavailable; handing over")
            return self._handover(msg, redacted, lang, Reason.UNAVAILABLE, None, lead=T("error.unavailable", lang))

        theme = result.passages[0].collection if result.passages else None
        expectation = expect(redacted)
        if scope.handover:
            outcome = self._handover(msg, redacted, lang, Reason.OUT_OF_SCOPE, result, scope=scope.scope, theme=theme)
        elif not result.passages or result.confidence < self.settings.handover_confidence:
            outcome = self._handover(msg, redacted, lang, Reason.LOW_CONFIDENCE, result, theme=theme)
        elif not supported(expectation, redacted, quotable_sentences(result.passages[:3])):
            # the passages are about the subject, but hold no answer of the kind asked (an amount, a date, ...)
            outcome = self._handover(msg, redacted, lang, Reason.NOT_IN_SOURCES, result, scope=expectation.kind,
                                     theme=theme)
        else:
            outcome = self._answer(msg, redacted, lang, result, history)
        outcome.passages = result.passages
        outcome.timings_ms["retrieve"] = result.timings_ms.get("total", 0.0)
        return outcome

    def _urgent(self, msg: InboundMessage, redacted: str, lang: str, tri: Triage, result: SearchResult | None = None,
                answer: Outcome | None = None) -> Outcome:
        """An urgent ticket and the emergency lines; for possible danger ("mogelijk acuut", for an advisor
        to check) the lines come first and the answer, when there is one, follows."""
        category = tri.category or "violence_now"
        clear = tri.tier == CLEAR
        top = result.passages[:5] if result else []
        reason = Reason.URGENT if clear else Reason.URGENT_POSSIBLE
        ticket = self.tickets.create(TicketRequest(
            priority=Priority.URGENT, reason=reason, detail=category,
            channel=msg.channel, asker=msg.asker, conversation_id=msg.conversation_id, question=redacted,
            theme=category, region=msg.region, role=msg.role, language=lang, pending_id=msg.pending_id,
            context=tuple(_context(p) for p in top), draft=self._draft(redacted, top) if top else None))
        body = emergency_text(category, lang, ticket.ref)
        if not clear:
            body = T("urgent.possible_lead", lang) + "\n\n" + body
        if answer is not None and answer.kind == Kind.ANSWER:
            body += "\n\n" + T("urgent.possible_answer", lang) + "\n\n" + answer.text
        return Outcome(Kind.URGENT, body, citations=answer.citations if answer else [], ticket_ref=ticket.ref,
                       reason=format_reason(reason, category), theme=category,
                       confidence=result.confidence if result else 1.0, passages=result.passages if result else [])

    def _possibly_urgent(self, msg: InboundMessage, redacted: str, lang: str, tri: Triage) -> Outcome:
        result, answer = None, None
        try:
            history = self.conversations.history(
                msg.conversation_id, within=timedelta(minutes=self.settings.followup_window_minutes))
            result = self.retriever.search(search_text(redacted, history), k=self.settings.top_k)
            if result.passages and result.confidence >= self.settings.handover_confidence \
                    and not decide_scope(redacted).handover:
                answer = self._compose(redacted, lang, result, history)
        except VectorStoreUnavailable:
            log.error("search unavailable; urgent guidance without an answer")
        return self._urgent(msg, redacted, lang, tri, result, answer)

    def _handover(self, msg: InboundMessage, redacted: str, lang: str, reason: Reason, result: SearchResult | None,
                  scope: str | None = None, theme: str | None = None, lead: str | None = None) -> Outcome:
        top, asked = (result.passages[:5], redacted) if result else self._reading(msg, redacted, reason)
        context = tuple(_context(p) for p in top)
        ticket = self.tickets.create(TicketRequest(
            priority=Priority.NORMAL, reason=reason, detail=scope, channel=msg.channel,
            asker=msg.asker, conversation_id=msg.conversation_id, question=redacted, theme=theme,
            region=msg.region, role=msg.role, language=lang, context=context, draft=self._draft(asked, top),
            pending_id=msg.pending_id))
        deadline = _format_deadline(ticket.deadline, lang)
        parts = [lead] if lead else []
        if reason == Reason.OUT_OF_SCOPE:
            parts.append(T("scope.what_ess_does_not", lang))
            if scope in ("legal", "funding"):
                parts.append(T(f"scope.referral.{scope}", lang))
        key = {Reason.ASKED_FOR_HUMAN: "handover.asked_for_human", Reason.LOW_CONFIDENCE: "handover.low_confidence",
               Reason.OUT_OF_SCOPE: "handover.out_of_scope", Reason.NEGATIVE_FEEDBACK: "handover.negative_feedback",
               Reason.UNAVAILABLE: "handover.unavailable", Reason.NOT_IN_SOURCES: "handover.not_in_sources"}[reason]
        missing = T(f"missing.{scope}", lang) if reason == Reason.NOT_IN_SOURCES else ""
        parts.append(T(key, lang, ticket=ticket.ref, deadline=deadline, missing=missing).strip())
        related: list[Passage] = []
        if reason == Reason.NOT_IN_SOURCES and top:  # what the handbooks do say, as reading, not as the answer
            related = _distinct_places(top)[:2]
            # one sentence pointing at the sources list below: the labels are not printed twice
            parts.append(T("related.reading", lang, refs=" ".join(f"[{n}]" for n in range(1, len(related) + 1))))
        return Outcome(Kind.HANDOVER, "\n\n".join(parts), ticket_ref=ticket.ref, reason=reason, theme=theme,
                       confidence=result.confidence if result else 0.0, citations=_citations(related))

    def _reading(self, msg: InboundMessage, question: str, reason: Reason) -> tuple[list[Passage], str]:
        """Passages for the advisor when the hand-over did not search: the asker asked for a person or found the
        answer not useful. They give the ticket its sources and draft (such tickets had neither, issue 16); the
        asker is not answered from them. "Ik wil een adviseur" is searched with the question asked before it;
        the draft is composed for what was searched."""
        if reason not in (Reason.ASKED_FOR_HUMAN, Reason.NEGATIVE_FEEDBACK):
            return [], question
        earlier = []
        if reason == Reason.ASKED_FOR_HUMAN:
            history = self.conversations.history(
                msg.conversation_id, within=timedelta(minutes=self.settings.followup_window_minutes))
            earlier = [t.text for t in history if t.role == "user" and t.text != question][-1:]
        query = " ".join(earlier + [question])
        try:
            result = self.retriever.search(query, k=self.settings.top_k)
        except VectorStoreUnavailable:
            return [], query
        # what the bot would not have answered with is no start for the advisor either
        return (result.passages[:5] if result.confidence >= self.settings.handover_confidence else []), query

    def _draft(self, redacted: str, passages: list[Passage]) -> str | None:
        """What the knowledge base says, numbered like the ticket's sources: a start for the advisor."""
        if not passages:
            return None
        expansion = self.retriever.analyser.analyse(redacted).expansion_text
        comp = compose(redacted, expansion, passages)
        if comp.empty:
            return None
        return render_composition(comp, {pi: pi + 1 for pi in comp.used}, passages) or None

    def _answer(self, msg: InboundMessage, redacted: str, lang: str, result: SearchResult,
                history: list[Turn]) -> Outcome:
        outcome = self._compose(redacted, lang, result, history)
        return outcome if outcome is not None else self._handover(msg, redacted, lang, Reason.LOW_CONFIDENCE, result)

    def _compose(self, redacted: str, lang: str, result: SearchResult,
                 history: list[Turn]) -> Outcome | None:
        """The answer from the passages (LLM when configured and grounded, else extractive); None when
        nothing in them can be quoted."""
        passages = result.passages
        if self.llm is not None:
            outcome = self._llm_answer(redacted, lang, passages, history)
            if outcome is not None:
                outcome.confidence = result.confidence
                return outcome
        expansion = self.retriever.analyser.analyse(redacted).expansion_text
        comp = compose(redacted, expansion, passages)
        if comp.empty:
            return None
        places, numbers = cite_places([passages[pi] for pi in comp.used])  # one citation per place
        numbering = {pi: numbers[k] for k, pi in enumerate(comp.used)}
        body = "\n\n".join([render_composition(comp, numbering, passages)] + _notes(places, lang)
                           + _disclaimer(history, lang))
        return Outcome(Kind.ANSWER, body, citations=_citations(places), confidence=result.confidence,
                       theme=passages[0].collection)

    def _llm_answer(self, redacted: str, lang: str, passages: list[Passage], history) -> Outcome | None:
        from .grounding import check_grounding
        from .llm import LLMUnavailable

        top = passages[:5]
        try:
            ans = self.llm.answer(redacted, top, history=history, language=lang)
        except LLMUnavailable as exc:
            log.warning("llm unavailable, extractive fallback: %s", type(exc).__name__)
            return None
        verdict = check_grounding(ans.text, top, language=lang)
        if not verdict.ok:
            log.warning("llm answer not grounded, extractive fallback (%d reasons)", len(verdict.reasons))
            return None
        used = sorted(set(ans.cited))
        cited, numbers = cite_places([top[n - 1] for n in used])  # one citation per place, numbered 1..
        by_old = {old: numbers[k] for k, old in enumerate(used)}
        text = renumber(ans.text, [by_old.get(n, n) for n in range(1, len(top) + 1)])
        body = "\n\n".join([text] + _notes(cited, lang) + _disclaimer(history, lang))
        return Outcome(Kind.ANSWER, body, citations=_citations(cited), theme=top[0].collection)


def _distinct_places(passages: list[Passage]) -> list[Passage]:
    """One passage per document and section: two citations of the same place are one."""
    seen, out = set(), []
    for p in passages:
        key = (p.title, p.section)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


def _context(p: Passage) -> dict:
    return {"title": p.title, "section": p.section, "page": p.page, "source": p.source, "url": p.url,
            "score": round(p.score, 4), "collection": p.collection}


def _citations(passages: list[Passage]) -> list[Citation]:
    return [Citation(n, p.title, p.section, p.page, p.url, p.source,
                     p.published.isoformat() if p.published else None) for n, p in enumerate(passages, 1)]


def _notes(passages: list[Passage], lang: str) -> list[str]:
    notes = []
    if lang != "nl" and any(p.language == "nl" for p in passages):
        notes.append(T("answer.dutch_only_note", lang))
    years = sorted({p.published.year for p in passages if p.published})
    if years and years[0] < time.gmtime().tm_year - 1:
        notes.append(T("answer.dated_note", lang, year=years[0]))
    return notes


def _disclaimer(history: list[Turn], lang: str) -> list[str]:
    """"This comes from the knowledge base; ask for an advisor" once per conversation, under its first answer."""
    if any(t.role == "assistant" and t.kind == Kind.ANSWER for t in history):
        return []
    return [T("answer.disclaimer", lang)]


def _format_deadline(deadline, lang: str) -> str:
    local = deadline.astimezone(OFFICE_TZ)  # as the console shows it: Dutch time, not the server's
    if lang == "en":
        return local.strftime("%A %d %B %H:%M")
    days = ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"]
    months = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
              "oktober", "november", "december"]
    return f"{days[local.weekday()]} {local.day} {months[local.month - 1]} {local:%H:%M}"


def render(outcome: Outcome) -> str:
    """Plain-text rendering (CLI, logs of tests): the answer and its numbered sources."""
    lines = [outcome.text]
    if outcome.citations:
        lines.append("")
        lines.append(T("answer.sources_heading", outcome.language))
        for c in outcome.citations:
            line = f"[{c.n}] {c.label()}"
            if c.published:
                line += f" ({c.published[:4]})"
            if c.url:
                line += f" — {c.url}"
            lines.append(line)
    return "\n".join(lines)

