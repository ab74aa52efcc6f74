"""What advisors, editors and admins do in the console, checked in the pages and in the database."""
from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.handover.conversations import DbConversations
from bot.handover.learning import citation_title
from bot.storage.models import Advisor, AuditEntry, Delivery, KnowledgeEntry, Team, Ticket

from bot.handover.accounts import create_advisor

from .conftest import PASSWORD, csrf_of, logged_in, login, new_ticket


def ticket_row(world, ref: str) -> Ticket:
    with world.db.session() as s:
        return s.scalars(select(Ticket).where(Ticket.ref == ref)).one()


def flash_of(client, response) -> str:
    assert response.status_code == 303, response.text
    return client.get(response.headers["location"]).text


def test_home_goes_to_my_queue(client):
    logged_in(client, "advisor")
    assert client.get("/").headers["location"] == "/queue/mine"


def test_team_queue_lists_tickets_with_dutch_status_and_counts(world, client):
    ref = new_ticket(world.queue)
    urgent = new_ticket(world.queue, "Er wordt gedreigd met geweld bij de moskee.", "urgent", "web:conv-2")
    logged_in(client, "advisor")
    page = client.get("/queue/team").text
    assert ref in page and urgent in page
    assert page.index(urgent) < page.index(ref)  # urgent first
    assert '<span class="badge urgent">urgent</span>' in page
    assert "nieuw" in page and "Utrecht" in page and "dialoog" in page
    assert 'Team <span class="count">2</span>' in page
    assert 'Urgent <span class="count">1</span>' in page
    mine = client.get("/queue/mine").text
    assert "Geen tickets in deze wachtrij." in mine


def test_unknown_queue_is_a_dutch_404(client):
    logged_in(client, "advisor")
    r = client.get("/queue/everything")
    assert r.status_code == 404 and "Deze pagina bestaat niet." in r.text


def test_viewing_a_ticket_is_audited(world, client):
    ref = new_ticket(world.queue)
    logged_in(client, "advisor")
    page = client.get(f"/tickets/{ref}").text
    assert "Hoe organiseren wij een dialoogavond in de wijk?" in page
    assert "De kennisbank gaf geen betrouwbaar antwoord." in page
    assert 'data-insert="[1] Handreiking dialoog — Voorbereiding, p. 4"' in page
    assert "Begin met een kleine groep." in page  # the draft
    ticket_id = ticket_row(world, ref).id
    with world.db.session() as s:
        views = s.scalars(select(AuditEntry).where(AuditEntry.action == "ticket.viewed")).all()
        assert [(v.actor_id, v.ticket_id) for v in views] == [(world.ids["advisor"], ticket_id)]
    assert "bekeken door Advisor" in page


def test_conversation_shows_asker_and_assistant_but_no_reset_marker(world, client):
    ref = new_ticket(world.queue, reply="Daar vond ik in de kennisbank geen betrouwbaar antwoord op.")
    DbConversations(world.db).reset("web:conv-1")
    logged_in(client, "advisor")
    page = client.get(f"/tickets/{ref}").text
    assert '<div class="msg asker"><span class="meta">Vrager' in page
    assert '<div class="msg assistant"><span class="meta">Kennisbot' in page
    assert "Daar vond ik in de kennisbank geen betrouwbaar antwoord op." in page
    assert 'class="msg reset"' not in page


def test_unknown_ticket(client):
    logged_in(client, "advisor")
    r = client.get("/tickets/T-NOPE")
    assert r.status_code == 404 and "Deze pagina bestaat niet." in r.text


def test_claim_then_reply_creates_a_delivery(world, client):
    ref = new_ticket(world.queue)
    csrf = logged_in(client, "advisor")
    page = flash_of(client, client.post(f"/tickets/{ref}/claim", data={"csrf": csrf}))
    assert "U behandelt dit ticket nu." in page
    assert ticket_row(world, ref).assignee_id == world.ids["advisor"]
    assert ref in client.get("/queue/mine").text

    page = flash_of(client, client.post(f"/tickets/{ref}/reply", data={
        "csrf": csrf, "text": "Zie [1] Handreiking dialoog — Voorbereiding, p. 4.", "kind": "answer"}))
    assert "Antwoord opgeslagen" in page
    assert '<span class="badge pending">in wachtrij</span>' in page
    assert "Als kennisitem voorstellen" in page
    with world.db.session() as s:
        delivery = s.scalars(select(Delivery)).one()
        assert delivery.status == "pending" and delivery.channel == "web"
        assert "Zie [1] Handreiking dialoog" in delivery.text
    assert ticket_row(world, ref).status == "answered"
    assert ref in client.get("/deliveries").text


def test_question_back_to_the_asker(world, client):
    ref = new_ticket(world.queue)
    csrf = logged_in(client, "advisor")
    page = flash_of(client, client.post(f"/tickets/{ref}/reply", data={
        "csrf": csrf, "text": "In welke gemeente speelt dit?", "kind": "question"}))
    assert "het ticket wacht op de vrager" in page
    assert ticket_row(world, ref).status == "needs_info"
    assert ref in client.get("/queue/waiting").text


def test_empty_reply_shows_the_service_message(world, client):
    ref = new_ticket(world.queue)
    csrf = logged_in(client, "advisor")
    page = flash_of(client, client.post(f"/tickets/{ref}/reply", data={"csrf": csrf, "text": "  "}))
    assert "Het antwoord is leeg." in page
    with world.db.session() as s:
        assert s.scalars(select(Delivery)).first() is None


def test_cannot_reply_to_a_colleagues_ticket(world, client):
    ref = new_ticket(world.queue)
    world.queue.claim(ref, world.ids["colleague"])
    csrf = logged_in(client, "advisor")
    page = client.get(f"/tickets/{ref}").text
    assert 'action="/tickets/' + ref + '/reply"' not in page
    page = flash_of(client, client.post(f"/tickets/{ref}/reply", data={"csrf": csrf, "text": "Mijn antwoord."}))
    assert "Dit ticket is door een andere adviseur geclaimd." in page
    page = flash_of(client, client.post(f"/tickets/{ref}/claim", data={"csrf": csrf}))
    assert "kan niet (meer) geclaimd worden" in page
    assert ticket_row(world, ref).assignee_id == world.ids["colleague"]


def test_claim_next_takes_the_most_pressing(world, client):
    new_ticket(world.queue)
    urgent = new_ticket(world.queue, "Er wordt gedreigd met geweld.", "urgent", "web:conv-2")
    csrf = logged_in(client, "advisor")
    r = client.post("/queue/claim-next", data={"csrf": csrf})
    assert r.headers["location"] == f"/tickets/{urgent}"
    assert ticket_row(world, urgent).status == "claimed"


def test_claim_next_with_an_empty_queue(client):
    csrf = logged_in(client, "advisor")
    page = flash_of(client, client.post("/queue/claim-next", data={"csrf": csrf}))
    assert "Er staan geen nieuwe tickets voor u klaar." in page


def test_release_and_close(world, client):
    ref = new_ticket(world.queue)
    csrf = logged_in(client, "advisor")
    client.post(f"/tickets/{ref}/claim", data={"csrf": csrf})
    assert "weer in de teamwachtrij" in flash_of(client, client.post(f"/tickets/{ref}/release", data={"csrf": csrf}))
    t = ticket_row(world, ref)
    assert (t.status, t.assignee_id) == ("new", None)
    assert "Het ticket is gesloten." in flash_of(client, client.post(f"/tickets/{ref}/close", data={"csrf": csrf}))
    assert ticket_row(world, ref).status == "closed"
    assert "Dit ticket is al gesloten." in flash_of(client, client.post(f"/tickets/{ref}/close",
                                                                          data={"csrf": csrf}))


def test_transfer_to_a_team_and_to_an_advisor(world, client):
    ref = new_ticket(world.queue)
    csrf = logged_in(client, "advisor")
    page = flash_of(client, client.post(f"/tickets/{ref}/transfer", data={
        "csrf": csrf, "team_id": str(world.ids["other_team"]), "note": "Regio Noord"}))
    assert "Het ticket is overgedragen." in page
    t = ticket_row(world, ref)
    assert (t.team_id, t.status, t.assignee_id) == (world.ids["other_team"], "new", None)

    # Team Noord's ticket now: the advisor of Team Midden can no longer move it (docs/queue.md, access)
    page = flash_of(client, client.post(f"/tickets/{ref}/transfer", data={
        "csrf": csrf, "advisor_id": str(world.ids["colleague"])}))
    assert "hoort niet bij uw team" in page
    assert ticket_row(world, ref).assignee_id is None
    client.post("/logout", data={"csrf": csrf})
    csrf = logged_in(client, "admin")  # an admin may: an override, audited
    client.post(f"/tickets/{ref}/transfer", data={"csrf": csrf, "advisor_id": str(world.ids["colleague"])})
    t = ticket_row(world, ref)
    assert (t.assignee_id, t.status) == (world.ids["colleague"], "claimed")
    with world.db.session() as s:
        overrides = [e.detail for e in s.scalars(select(AuditEntry).where(AuditEntry.action == "ticket.override"))]
    assert overrides == [{"overrides": "transfer", "team": world.ids["other_team"]}]
    with world.db.session() as s:
        notes = [e.detail.get("note") for e in s.scalars(select(AuditEntry).where(
            AuditEntry.action == "ticket.transferred"))]
    assert notes[0] == "Regio Noord"

    page = flash_of(client, client.post(f"/tickets/{ref}/transfer", data={"csrf": csrf}))
    assert "Kies een team of een adviseur." in page
    page = flash_of(client, client.post(f"/tickets/{ref}/transfer", data={"csrf": csrf, "team_id": "abc"}))
    assert "Ongeldige keuze." in page


def test_failed_delivery_can_be_retried(world, client):
    ref = new_ticket(world.queue)
    world.queue.reply(ref, world.ids["advisor"], "Een antwoord dat niet aankwam.")
    with world.db.session() as s:
        d = s.scalars(select(Delivery)).one()
        d.status, d.attempts, d.last_error = "failed", 12, "HTTP 502 van de widget-gateway"
        delivery_id = d.id
    csrf = logged_in(client, "advisor")
    page = client.get(f"/tickets/{ref}").text
    assert "HTTP 502 van de widget-gateway" in page and f'action="/deliveries/{delivery_id}/retry"' in page
    page = flash_of(client, client.post(f"/deliveries/{delivery_id}/retry", data={"csrf": csrf}))
    assert "opnieuw geprobeerd" in page
    with world.db.session() as s:
        d = s.get(Delivery, delivery_id)
        assert (d.status, d.attempts) == ("pending", 0)
        assert s.scalars(select(AuditEntry).where(AuditEntry.action == "delivery.retried")).one().actor_id \
            == world.ids["advisor"]
    page = flash_of(client, client.post(f"/deliveries/{delivery_id}/retry", data={"csrf": csrf}))
    assert "Alleen mislukte bezorgingen" in page


def test_message_text_is_escaped(world, client):
    ref = new_ticket(world.queue, question='<script>alert("xss")</script><img src=x onerror=alert(1)>')
    logged_in(client, "advisor")
    for url in (f"/tickets/{ref}", f"/knowledge/new?ticket={ref}"):
        page = client.get(url).text
        assert "<script>alert" not in page and "<img src=x" not in page
        assert "&lt;script&gt;alert(&#34;xss&#34;)&lt;/script&gt;" in page


def test_times_are_shown_in_dutch_local_time(world, client):
    ref = new_ticket(world.queue)
    logged_in(client, "advisor")
    created = ticket_row(world, ref).created_at
    local = created.astimezone(ZoneInfo("Europe/Amsterdam")).strftime("%d-%m-%Y %H:%M")
    utc = created.strftime("%d-%m-%Y %H:%M")
    assert local != utc  # Amsterdam is never UTC
    page = client.get(f"/tickets/{ref}").text
    assert f"<dd>{local}</dd>" in page


def test_knowledge_loop_propose_and_second_person_approves(world, client):
    ref = new_ticket(world.queue)
    answer = "Begin met een kleine groep, een vaste gespreksleider en duidelijke afspraken."
    world.queue.reply(ref, world.ids["advisor"], answer)
    csrf = logged_in(client, "editor")  # an editor proposes: so they cannot approve it themselves
    form = client.get(f"/knowledge/new?ticket={ref}").text
    assert "Hoe organiseren wij een dialoogavond in de wijk?" in form and answer in form
    r = client.post("/knowledge", data={"csrf": csrf, "ticket": ref, "theme": "dialoog",
                                        "question": "Hoe organiseer je een dialoogavond in de wijk?",
                                        "answer": answer})
    entry_id = int(r.headers["location"].rsplit("/", 1)[1])
    page = flash_of(client, r)
    assert "Een redacteur (niet uzelf) moet het nog goedkeuren." in page
    assert client.get("/knowledge").text.count("Hoe organiseer je een dialoogavond") == 1

    page = flash_of(client, client.post(f"/knowledge/{entry_id}/approve", data={"csrf": csrf}))
    assert "u heeft dit antwoord zelf voorgesteld" in page
    with world.db.session() as s:
        assert s.get(KnowledgeEntry, entry_id).status == "draft"

    client.post("/logout", data={"csrf": csrf})
    csrf = logged_in(client, "admin")
    page = flash_of(client, client.post(f"/knowledge/{entry_id}/edit", data={
        "csrf": csrf, "question": "Hoe organiseer je een goede dialoogavond?", "answer": answer}))
    assert "Wijzigingen opgeslagen." in page
    # Four eyes: whoever edited the text is its second author, not its reviewer (before: approved here)
    assert 'id="four-eyes"' in page and "/approve" not in page
    page = flash_of(client, client.post(f"/knowledge/{entry_id}/approve", data={"csrf": csrf}))
    assert "u heeft de tekst zelf bewerkt" in page
    with world.db.session() as s:
        assert s.get(KnowledgeEntry, entry_id).status == "draft"
        reviewer = create_advisor(s, "editor2@ess.test", "Redacteur Twee", PASSWORD, "editor").id
    client.post("/logout", data={"csrf": csrf})
    login(client, "editor2@ess.test")
    page = client.get(f"/knowledge/{entry_id}").text
    csrf, seen = csrf_of(page), re.search(r'name="version" value="([^"]+)"', page).group(1)
    page = flash_of(client, client.post(f"/knowledge/{entry_id}/approve", data={"csrf": csrf,
                                                                                "version": "0" * 16}))
    assert "De tekst is gewijzigd" in page  # not what the reviewer read
    page = flash_of(client, client.post(f"/knowledge/{entry_id}/approve", data={"csrf": csrf, "version": seen}))
    assert "Goedgekeurd en gepubliceerd" in page
    with world.db.session() as s:
        entry = s.get(KnowledgeEntry, entry_id)
        assert (entry.status, entry.approver_id, entry.last_editor_id) == ("published", reviewer,
                                                                           world.ids["admin"])
        assert entry.question == "Hoe organiseer je een goede dialoogavond?"
    listing = client.get("/knowledge").text
    assert citation_title(entry.published_at) in listing
    assert (world.settings.reviewed_dir / f"ess-adviseur-{entry_id}.md").is_file()

    page = flash_of(client, client.post(f"/knowledge/{entry_id}/retract", data={"csrf": csrf}))
    assert "Ingetrokken" in page
    with world.db.session() as s:
        assert s.get(KnowledgeEntry, entry_id).status == "retracted"
    assert not (world.settings.reviewed_dir / f"ess-adviseur-{entry_id}.md").exists()


def test_proposal_with_personal_data_is_refused(world, client):
    csrf = logged_in(client, "advisor")
    r = client.post("/knowledge", data={"csrf": csrf, "question": "Wie belt de wijkagent bij onrust?",
                                        "answer": "Bel Jan op 06-12345678 of mail jan@example.nl voor hulp."})
    assert r.status_code == 400
    assert "persoonsgegevens" in r.text and "06-12345678" in r.text  # the form keeps the text to fix
    with world.db.session() as s:
        assert s.scalars(select(KnowledgeEntry)).first() is None


def test_only_author_or_editor_edits_a_draft(world, client):
    entry = world.desk.propose(world.ids["colleague"], "Hoe organiseer je een dialoogavond?",
                               "Begin met een kleine groep en een vaste gespreksleider.")
    csrf = logged_in(client, "advisor")
    page = flash_of(client, client.post(f"/knowledge/{entry.id}/edit", data={
        "csrf": csrf, "question": "Andere vraag die lang genoeg is?", "answer": "Een ander antwoord dat lang is."}))
    assert "Alleen de auteur of een redacteur" in page
    with world.db.session() as s:
        assert s.get(KnowledgeEntry, entry.id).question == "Hoe organiseer je een dialoogavond?"


def test_admin_creates_and_updates_an_advisor(world, client):
    csrf = logged_in(client, "admin")
    page = flash_of(client, client.post("/admin/advisors", data={
        "csrf": csrf, "name": "Nieuwe Adviseur", "email": "Nieuw@ESS.test", "password": "lang-genoeg-wachtwoord",
        "role": "editor", "team_id": str(world.ids["other_team"])}))
    assert "Account aangemaakt." in page and "nieuw@ess.test" in page
    with world.db.session() as s:
        new = s.scalars(select(Advisor).where(Advisor.email == "nieuw@ess.test")).one()
        assert (new.role, new.team_id) == ("editor", world.ids["other_team"])
    page = flash_of(client, client.post("/admin/advisors", data={
        "csrf": csrf, "name": "Kort", "email": "kort@ess.test", "password": "kort", "role": "advisor"}))
    assert "minstens 12 tekens" in page

    page = flash_of(client, client.post(f"/admin/advisors/{new.id}", data={
        "csrf": csrf, "role": "advisor", "team_id": "", "password": ""}))  # active unchecked
    assert "Account bijgewerkt." in page
    with world.db.session() as s:
        new = s.get(Advisor, new.id)
        assert (new.role, new.team_id, new.active) == ("advisor", None, False)

    page = flash_of(client, client.post(f"/admin/advisors/{world.ids['admin']}", data={
        "csrf": csrf, "role": "advisor", "active": "1"}))
    assert "U kunt uw eigen beheerdersrechten niet intrekken." in page
    with world.db.session() as s:
        assert s.get(Advisor, world.ids["admin"]).role == "admin"


def test_admin_password_reset_lets_the_advisor_log_in(world, client):
    csrf = logged_in(client, "admin")
    client.post(f"/admin/advisors/{world.ids['advisor']}", data={
        "csrf": csrf, "role": "advisor", "team_id": str(world.ids["team"]), "active": "1",
        "password": "een-heel-nieuw-wachtwoord"})
    client.post("/logout", data={"csrf": csrf})
    assert login(client, "advisor@ess.test", PASSWORD).status_code == 400
    assert login(client, "advisor@ess.test", "een-heel-nieuw-wachtwoord").status_code == 303


def test_admin_manages_teams(world, client):
    csrf = logged_in(client, "admin")
    page = flash_of(client, client.post("/admin/teams", data={
        "csrf": csrf, "name": "Team Zuid", "themes": "polarisatie, radicalisering ,", "regions": "Eindhoven",
        "backup_team_id": str(world.ids["team"]), "is_default": ""}))
    assert "Team aangemaakt." in page and "Team Zuid" in page
    with world.db.session() as s:
        team = s.scalars(select(Team).where(Team.name == "Team Zuid")).one()
        assert team.themes == ["polarisatie", "radicalisering"] and team.regions == ["Eindhoven"]
        assert team.backup_team_id == world.ids["team"] and not team.is_default
    page = flash_of(client, client.post("/admin/teams", data={"csrf": csrf, "name": "Team Zuid"}))
    assert "Er bestaat al een team met deze naam." in page

    page = flash_of(client, client.post(f"/admin/teams/{team.id}", data={
        "csrf": csrf, "name": "Team Zuid", "themes": "*", "regions": "", "backup_team_id": str(team.id),
        "active": "1"}))
    assert "eigen reserveteam" in page
    page = flash_of(client, client.post(f"/admin/teams/{team.id}", data={
        "csrf": csrf, "name": "Team Zuid-Oost", "themes": "*", "regions": "", "backup_team_id": "",
        "is_default": "1"}))
    assert "Team bijgewerkt." in page
    with world.db.session() as s:
        team = s.get(Team, team.id)
        assert (team.name, team.themes, team.regions, team.is_default, team.active) == \
            ("Team Zuid-Oost", ["*"], [], True, False)


def test_a_reply_with_personal_data_is_held_back_with_the_text_kept_until_confirmed(world, client):
    """"Bel Jan de Vries op 06-..." is not stored or delivered: the page comes back with the text in the form, a
    warning naming the kinds (not the values) and a box to confirm; confirmed, it goes out and is audited."""
    from bot.storage.models import AuditEntry, Reply

    ref = new_ticket(world.queue)
    csrf = logged_in(client, "advisor")
    text = "Bel Jan de Vries van de buurtwacht op 06-12345678, hij weet er meer van."
    r = client.post(f"/tickets/{ref}/reply", data={"csrf": csrf, "text": text, "kind": "answer"})
    assert r.status_code == 422
    assert "Uw antwoord bevat persoonsgegevens (naam, telefoonnummer)" in r.text
    assert "Jan de Vries van de buurtwacht op 06-12345678" in r.text  # the typed text is still in the form
    assert 'name="confirm_personal"' in r.text
    with world.db.session() as s:
        assert s.scalars(select(Delivery)).first() is None and s.scalars(select(Reply)).first() is None
    page = flash_of(client, client.post(f"/tickets/{ref}/reply", data={
        "csrf": csrf, "text": text, "kind": "answer", "confirm_personal": "1"}))
    assert "Antwoord opgeslagen" in page
    with world.db.session() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "reply.personal_data_confirmed")).one()
        assert "06-12345678" not in str(entry.detail) and "naam" in str(entry.detail)
