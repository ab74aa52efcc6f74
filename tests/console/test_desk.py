"""Issue 16, the console as advisors used to Intercom and Chatwoot expect: human words, the ticket's sources and
draft, the reply box before the transcript, the queue's channel, preview and waiting time, live updates and saved
replies per team."""
from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.console.live import LiveTiming, get_live_timing
from bot.console.present import cut, turn, waited
from bot.engine.tickets import TicketRequest
from bot.handover import queries
from bot.handover.conversations import DbConversations
from bot.storage.models import AuditEntry, SavedReply, Ticket, utcnow

from .conftest import logged_in, new_ticket

LONG = ("De gemeente organiseert samen met het moskeebestuur een bijeenkomst voor de hele wijk, waarbij "
        "jongerenwerkers, wijkagenten en buurtbewoners met elkaar in gesprek gaan over wat er speelt. ") * 6


# --- human words -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("limit", [10, 37, 60, 90, 200, 499])
def test_cut_ends_at_a_whole_word_with_an_ellipsis(limit):
    out = cut(LONG, limit)
    assert out.endswith("…") and len(out) <= limit + 1
    head = out.removesuffix("…")
    assert LONG.startswith(head)
    assert LONG[len(head)] in " ,." or LONG[len(head) - 1] in " ,."  # the next character ends a word
    assert head.split()[-1] in LONG.split() or head.split()[-1] + "," in LONG.split()  # a whole word, not part of one


def test_cut_keeps_short_text_and_cuts_one_long_word_hard():
    assert cut("Kort.", 20) == "Kort."
    assert cut("", 20) == "" and cut(None, 20) == ""
    assert cut("Donaudampfschiffahrtsgesellschaft", 10) == "Donaudampf…"


def test_stored_bot_turns_get_a_label_for_their_kind():
    assert turn("assistant", "answer", "Richt je op het midden.") == ("Antwoord van de kennisbot",
                                                                      "Richt je op het midden.")
    assert turn("assistant", "handover", "Ik zet uw vraag door.")[0] == "Doorgezet naar een adviseur"
    assert turn("asker", None, "[answer] wat ik typte") == (None, "[answer] wat ik typte")  # askers' words stay theirs
    # a turn stored shortened (older rows kept 500 characters): the cut ends at a word, marked
    label, body = turn("assistant", "answer", LONG[:500], shortened=True)
    head = body.removesuffix("…")
    assert body.endswith("…") and LONG.startswith(head) and LONG[len(head)] in " ,"
    assert turn("assistant", "answer", LONG)[1] == LONG  # a turn stored whole is shown whole


def test_waiting_time_in_words():
    now = utcnow()
    assert waited(now - timedelta(minutes=130), now) == "wacht 2 u 10 min"
    assert waited(now - timedelta(minutes=7), now) == "wacht 7 min"
    assert waited(now - timedelta(days=3, hours=4, minutes=5), now) == "wacht 3 d 4 u"
    assert waited(None) == "–"


def _ticket(world, *, channel="web", theme="dialoog", reason="low_confidence", priority="normal", context=(),
            draft=None, question="Hoe organiseren wij een dialoogavond in de wijk?", conv="web:conv-9") -> str:
    DbConversations(world.db).append(conv, "user", question, channel=channel, asker="asker-9")
    return world.queue.create(TicketRequest(priority=priority, reason=reason, channel=channel, asker="asker-9",
                                            conversation_id=conv, question=question, theme=theme,
                                            region="Utrecht", context=context, draft=draft)).ref


def test_queue_shows_channel_theme_preview_and_waiting_time_in_words(world, client):
    ref = _ticket(world, channel="telegram", theme="weapon", priority="urgent", reason="urgent:weapon",
                  question=LONG)
    logged_in(client, "advisor")
    page = client.get("/queue/urgent").text
    assert ref in page and "Telegram" in page and "wapens" in page and ">weapon<" not in page
    preview = page.split('class="preview">')[1].split("</td>")[0]
    assert preview.endswith("…") and len(preview) <= 91 and LONG.startswith(preview.removesuffix("…"))
    assert "wacht 0 min" in page
    assert "<th>Kanaal</th>" in page and "<th>Wachttijd</th>" in page


def test_ticket_shows_labels_not_tags_and_theme_and_channel_in_words(world, client):
    ref = new_ticket(world.queue, reply="[answer] Richt je op de middengroep. [1]")
    # rows as stored before revision 0008: the kind as a "[kind] " tag, the text cut at 500 characters
    DbConversations(world.db).append("web:conv-1", "assistant", "[handover] " + LONG[:500], channel="web",
                                     asker="asker-1")
    whole = "Nodig beide groepen eerst apart uit en laat de middengroep het gesprek openen. " * 9
    DbConversations(world.db).finish("web:conv-1", None, whole.strip(), "urgent")  # stored whole since then
    logged_in(client, "advisor")
    page = client.get(f"/tickets/{ref}").text
    assert "[answer]" not in page and "[handover]" not in page
    assert "Antwoord van de kennisbot" in page and "Doorgezet naar een adviseur" in page
    assert "Richt je op de middengroep. [1]" in page
    assert LONG[:500] not in page and "…" in page  # the engine's cut at 500 ends at a word here
    assert whole.strip() + "</p>" in page and "Urgent doorgezet" in page
    assert '<dd id="channel">Website (chat)</dd>' in page


# --- the ticket page ---------------------------------------------------------------------------------------
def test_reply_box_comes_before_the_transcript(world, client):
    ref = new_ticket(world.queue)
    csrf = logged_in(client, "advisor")
    client.post(f"/tickets/{ref}/claim", data={"csrf": csrf})
    page = client.get(f"/tickets/{ref}").text
    assert page.index('id="reply-text"') < page.index("<h2>Gesprek</h2>")
    # the draft and sources head the other column, beside the reply box (a phone shows them after it)
    assert page.index('id="reply-text"') < page.index('id="draft"') < page.index('id="sources"')
    assert page.index('id="draft"') < page.index("<h2>Bezorging</h2>")


def test_sources_the_bot_used_are_listed_with_links(world, client):
    context = ({"title": "Handreiking Veilige Moskee", "section": "Omgaan met de media", "page": 7,
                "url": "https://voorbeeld.invalid/vm", "score": 0.7},)
    ref = _ticket(world, context=context, draft="Spreek vooraf af wie de woordvoerder is. [1]")
    logged_in(client, "advisor")
    page = client.get(f"/tickets/{ref}").text
    assert "[1] Handreiking Veilige Moskee</strong> — Omgaan met de media, p. 7" in page
    assert 'href="https://voorbeeld.invalid/vm"' in page
    assert "Spreek vooraf af wie de woordvoerder is. [1]" in page
    assert "geen bronnen" not in page


def test_a_hand_over_without_a_search_says_so_instead_of_no_sources_found(world, client):
    asked = _ticket(world, reason="asked_for_human")
    searched = _ticket(world, reason="low_confidence", conv="web:conv-10")
    logged_in(client, "advisor")
    assert "niet in de bronnen gezocht" in client.get(f"/tickets/{asked}").text
    assert "De kennisbot vond geen bronnen bij deze vraag." in client.get(f"/tickets/{searched}").text


def test_actions_are_only_offered_to_who_may_use_them(world, client):
    ref = new_ticket(world.queue)
    world.queue.claim(ref, world.ids["colleague"])
    logged_in(client, "advisor")  # same team, but the colleague holds the ticket
    page = client.get(f"/tickets/{ref}").text
    for action in ("/claim", "/reply", "/release", "/close", "/transfer"):
        assert f'action="/tickets/{ref}{action}"' not in page, action
    assert "Invoegen" not in page and "Concept in het antwoord zetten" not in page
    client.cookies.clear()
    logged_in(client, "colleague")
    page = client.get(f"/tickets/{ref}").text
    for action in ("/reply", "/release", "/close", "/transfer"):
        assert f'action="/tickets/{ref}{action}"' in page, action
    assert f'action="/tickets/{ref}/claim"' not in page  # already theirs


# --- live updates ------------------------------------------------------------------------------------------
def test_stamps_change_with_the_queue_and_the_ticket(world):
    ref = new_ticket(world.queue)
    with world.db.session() as s:
        queue_before = queries.queue_stamp(s)
        ticket_before = queries.ticket_stamp(s, ref, world.ids["advisor"])
        assert queries.ticket_stamp(s, "T-NOPE", world.ids["advisor"]) is None
    world.queue.claim(ref, world.ids["advisor"])
    with world.db.session() as s:
        assert queries.queue_stamp(s) != queue_before
        claimed = queries.ticket_stamp(s, ref, world.ids["advisor"])
        assert claimed != ticket_before
    DbConversations(world.db).append("web:conv-1", "user", "Nog een aanvulling.", channel="web", asker="asker-1")
    with world.db.session() as s:
        assert queries.ticket_stamp(s, ref, world.ids["advisor"]) != claimed  # a new message in the conversation
        # reading a stamp is not a view of the case: nothing audited
        assert not s.scalars(select(AuditEntry).where(AuditEntry.action == "ticket.viewed")).all()


def test_another_teams_ticket_has_no_stamp(world):
    ref = new_ticket(world.queue)
    with world.db.session() as s:
        ticket = s.scalars(select(Ticket).where(Ticket.ref == ref)).one()
        ticket.team_id = world.ids["other_team"]
    with world.db.session() as s:
        assert queries.ticket_stamp(s, ref, world.ids["advisor"]) is None
        assert queries.ticket_stamp(s, ref, world.ids["admin"]) is not None


def _stream(client, url: str) -> str:
    with client.stream("GET", url) as r:
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        assert "Content-Security-Policy" in r.headers
        return "".join(r.iter_text())


def test_live_stream_reports_a_change_and_ends(world, client):
    ref = new_ticket(world.queue)
    logged_in(client, "advisor")
    world.app.dependency_overrides[get_live_timing] = lambda: LiveTiming(interval_s=0.2, lifetime_s=1.5, retry_ms=500)
    quiet = _stream(client, f"/live?queue=team&ticket={ref}")
    assert quiet.startswith("retry: 500") and "event: ready" in quiet
    assert "event: queue" not in quiet and "event: ticket" not in quiet  # nothing changed: keep-alives only

    timer = threading.Timer(0.5, lambda: world.queue.claim(ref, world.ids["colleague"]))
    timer.start()
    changed = _stream(client, f"/live?queue=team&ticket={ref}")
    timer.join()
    assert "event: queue" in changed and "event: ticket" in changed
    assert "Hoe organiseren" not in changed  # names of events only, never content


def test_live_stream_outlives_a_database_blip(world, client, monkeypatch):
    from sqlalchemy.exc import OperationalError

    ref = new_ticket(world.queue)
    logged_in(client, "advisor")
    world.app.dependency_overrides[get_live_timing] = lambda: LiveTiming(interval_s=0.2, lifetime_s=1.5, retry_ms=500)
    real, calls = queries.queue_stamp, []

    def flaky(s):
        calls.append(1)
        if len(calls) in (2, 3):
            raise OperationalError("SELECT", {}, Exception("database restarting"))
        return real(s)

    monkeypatch.setattr(queries, "queue_stamp", flaky)
    timer = threading.Timer(0.9, lambda: world.queue.claim(ref, world.ids["advisor"]))
    timer.start()
    body = _stream(client, "/live?queue=team")
    timer.join()
    assert len(calls) >= 5 and "event: queue" in body  # the rounds after the blip still report the change


def test_live_needs_a_login(client):
    r = client.get("/live?queue=team")
    assert r.status_code == 303 and r.headers["location"].startswith("/login")


# --- saved replies -----------------------------------------------------------------------------------------
def _saved(world) -> list[tuple[int, str, str]]:
    with world.db.session() as s:
        return [(r.team_id, r.title, r.text) for r in s.scalars(select(SavedReply).order_by(SavedReply.id))]


def test_team_member_adds_a_saved_reply_and_picks_it_on_a_ticket(world, client):
    csrf = logged_in(client, "advisor")
    r = client.post("/saved-replies", data={"csrf": csrf, "title": "Doorverwijzing 113",
                                            "text": "Bel 113 of 0800-0113, dag en nacht."})
    assert r.status_code == 303
    assert _saved(world) == [(world.ids["team"], "Doorverwijzing 113", "Bel 113 of 0800-0113, dag en nacht.")]
    assert "Standaardantwoord opgeslagen." in client.get(r.headers["location"]).text
    ref = new_ticket(world.queue)
    client.post(f"/tickets/{ref}/claim", data={"csrf": csrf})
    page = client.get(f"/tickets/{ref}").text
    assert 'data-text="Bel 113 of 0800-0113, dag en nacht.">Doorverwijzing 113</option>' in page
    with world.db.session() as s:
        assert s.scalars(select(AuditEntry.action).where(AuditEntry.action == "saved_reply.saved")).all()


def test_saved_replies_are_per_team(world, client):
    with world.db.session() as s:
        s.add(SavedReply(team_id=world.ids["other_team"], title="Noord", text="Groet uit Noord."))
        s.flush()
        north = s.scalars(select(SavedReply)).one().id
    csrf = logged_in(client, "advisor")
    assert "Groet uit Noord." not in client.get("/saved-replies").text
    assert "Groet uit Noord." not in client.get(f"/saved-replies?team={world.ids['other_team']}").text  # not admin
    r = client.post("/saved-replies", data={"csrf": csrf, "reply_id": str(north), "title": "Weg", "text": "Weg."})
    assert "alleen de standaardantwoorden van uw eigen team" in client.get(r.headers["location"]).text
    r = client.post(f"/saved-replies/{north}/delete", data={"csrf": csrf})
    assert _saved(world) == [(world.ids["other_team"], "Noord", "Groet uit Noord.")]
    r = client.post("/saved-replies", data={"csrf": csrf, "team_id": str(world.ids["other_team"]), "title": "X",
                                            "text": "Y"})
    assert len(_saved(world)) == 1


def test_admin_manages_any_teams_saved_replies(world, client):
    csrf = logged_in(client, "admin")
    other = world.ids["other_team"]
    client.post("/saved-replies", data={"csrf": csrf, "team_id": str(other), "title": "Noord", "text": "Hallo."})
    assert _saved(world) == [(other, "Noord", "Hallo.")]
    page = client.get(f"/saved-replies?team={other}").text
    assert "Standaardantwoorden: Team Noord" in page and "Hallo." in page
    with world.db.session() as s:
        rid = s.scalars(select(SavedReply.id)).one()
    client.post("/saved-replies", data={"csrf": csrf, "reply_id": str(rid), "title": "Noord", "text": "Goedemiddag."})
    assert _saved(world) == [(other, "Noord", "Goedemiddag.")]
    r = client.post(f"/saved-replies/{rid}/delete", data={"csrf": csrf, "team_id": str(other)})
    assert "Standaardantwoord verwijderd." in client.get(r.headers["location"]).text and _saved(world) == []


def test_saved_replies_refuse_empty_text_and_forms_without_csrf(world, client):
    csrf = logged_in(client, "advisor")
    r = client.post("/saved-replies", data={"csrf": csrf, "title": "Leeg", "text": "  "})
    assert "Geef een titel en een tekst." in client.get(r.headers["location"]).text
    r = client.post("/saved-replies", data={"csrf": "wrong", "title": "T", "text": "Tekst."})
    assert r.status_code == 403
    assert _saved(world) == []


def test_knowledge_and_delivery_lists_use_the_same_words(world, client):
    from bot.storage.models import KnowledgeEntry

    with world.db.session() as s:
        s.add(KnowledgeEntry(question=LONG, answer="Richt je op het midden.", theme="depolarisatie",
                             author_id=world.ids["advisor"]))
    ref = new_ticket(world.queue)
    csrf = logged_in(client, "advisor")
    client.post(f"/tickets/{ref}/claim", data={"csrf": csrf})
    client.post(f"/tickets/{ref}/reply", data={"csrf": csrf, "text": "Zie de handreiking.", "kind": "answer"})
    page = client.get("/knowledge").text
    link = page.split('<a href="/knowledge/1">')[1].split("</a>")[0]
    assert link.endswith("…") and LONG.startswith(link.removesuffix("…")) and len(link) <= 121
    assert "Polarisatie en depolarisatie" in page
    assert '<td data-label="Kanaal">Website (chat)</td>' in client.get("/deliveries").text


def test_every_log_entry_on_a_ticket_reads_in_dutch(world, client):
    ref = new_ticket(world.queue)
    assert new_ticket(world.queue, "En nog iets: wie nodigen we uit?") == ref  # joins the open ticket
    logged_in(client, "admin")
    page = client.get(f"/tickets/{ref}").text
    log = page.split('<ol class="timeline">')[1].split("</ol>")[0]
    assert "nieuwe doorzetting uit hetzelfde gesprek toegevoegd" in log
    assert "ticket." not in log


def test_waiting_time_counts_only_while_the_asker_waits_for_an_advisor(world, client):
    ref = new_ticket(world.queue)
    with world.db.session() as s:
        s.scalars(select(Ticket).where(Ticket.ref == ref)).one().created_at = utcnow() - timedelta(minutes=130)
    csrf = logged_in(client, "advisor")
    assert "wacht 2 u 10 min" in client.get("/queue/team").text
    client.post(f"/tickets/{ref}/claim", data={"csrf": csrf})
    client.post(f"/tickets/{ref}/reply", data={"csrf": csrf, "text": "Welke wijk bedoelt u?", "kind": "question"})
    waiting = client.get("/queue/waiting").text
    assert ref in waiting and "wacht 2 u" not in waiting  # now the ticket waits for the asker


def test_insights_filters_and_tables_name_themes_and_channels_in_words(world, client):
    from bot.storage.models import InsightEvent

    with world.db.session() as s:
        for i in range(12):  # enough askers to be shown
            s.add(InsightEvent(at=utcnow() - timedelta(days=1), kind="question", channel="telegram",
                               asker_key=f"a{i}", theme="depolarisatie", outcome="handover", reason="low_confidence"))
    world.app.state.insight_embeddings = object()  # the page's clusters are not asked for here
    logged_in(client, "advisor")
    page = client.get("/insights").text
    assert '<option value="depolarisatie">Polarisatie en depolarisatie</option>' in page
    assert '<option value="telegram">Telegram</option>' in page
    assert "<td>Polarisatie en depolarisatie</td>" in page  # hand-over and urgent rates per theme
    charts = page[page.index('<svg class="chart"'):]
    assert ">Polarisatie en depolarisatie<" in charts and ">Telegram<" in charts  # the bars too
    assert ">depolarisatie<" not in charts and ">telegram<" not in charts
