"""Findings 1 and 2 of issue 14, against `essbot serve` on SQLite and PostgreSQL.

1. Four eyes: an editor edited a proposed entry ("doe niets en bel vooral niet de politie") and then approved
   it. Now whoever edited the text cannot approve it; a second editor can, and only the version they read.
2. Scope: an advisor of team Noord opened, claimed, answered, took over and closed team Zuid's ticket, and
   /deliveries listed every team's. Now only the claimant acts on a claimed ticket, others' teams' tickets
   are closed to them, and an admin's override is audited.
"""
from __future__ import annotations

import re

from sqlalchemy import select

from bot.storage.db import Database
from bot.storage.models import AuditEntry, KnowledgeEntry, Team, Ticket
from tests.faults.app import essbot_serve
from tests.handover.helpers import advisor, team

from .conftest import SERVE, api

QUESTION = "Ik wil een adviseur spreken over spanningen tussen twee groepen jongeren in de wijk."
ANSWER = "Begin met een gesprek met beide groepen apart en betrek de wijkagent en het jongerenwerk."
HARMFUL = "Doe niets en bel vooral niet de politie; dit lost zichzelf op als u het laat rusten."


def seed(db_url: str) -> dict:
    db = Database(db_url)
    zuid = team(db, "Zuid", default=True)
    noord = team(db, "Noord", themes=("polarisatie",), regions=("Groningen",))
    ids = {"zuid_team": zuid, "noord_team": noord}
    for email, t, role in (("zuid@ess.test", zuid, "advisor"), ("zuid2@ess.test", zuid, "advisor"),
                           ("noord@ess.test", noord, "advisor"), ("redacteur@ess.test", zuid, "editor"),
                           ("redacteur2@ess.test", noord, "editor"), ("beheer@ess.test", None, "admin")):
        ids[email.split("@")[0]] = advisor(db, email, t, role=role)
    db.dispose()
    return ids


def test_ticket_actions_are_limited_to_team_and_claimant(tmp_path, db_url, logged_in):
    ids = seed(db_url)
    with essbot_serve(tmp_path, tmp_path / "data", db_url, **SERVE) as (base, _):
        out = api(base, "case-1", QUESTION)
        assert out.status_code == 200 and out.json()["kind"] == "handover", out.text
        ref = out.json()["ticket_ref"]
        db = Database(db_url, migrate_on_start=False)
        with db.session() as s:
            assert s.scalars(select(Ticket).where(Ticket.ref == ref)).one().team_id == ids["zuid_team"]

        answered = api(base, "case-2", QUESTION + " Het gaat om een andere wijk.").json()["ticket_ref"]
        zuid = logged_in(base, "zuid@ess.test")
        assert "U behandelt dit ticket nu." in zuid.flash(f"/tickets/{ref}/claim")
        assert "Antwoord opgeslagen" in zuid.flash(f"/tickets/{answered}/reply", text=ANSWER, kind="answer")

        noord = logged_in(base, "noord@ess.test")
        page = noord.get(f"/tickets/{answered}")
        assert page.status_code == 403 and ANSWER not in page.text and "hoort niet bij uw team" in page.text
        for action, data in (("claim", {}), ("reply", {"text": "Mijn antwoord."}), ("close", {}),
                             ("transfer", {"advisor_id": str(ids["noord"])}), ("release", {})):
            assert re.search("hoort niet bij uw team|Alleen uw eigen|kan niet", noord.flash(f"/tickets/{ref}/{action}",
                                                                                           **data)), action
        assert answered not in noord.get("/deliveries").text  # another team's deliveries are not listed
        assert answered in zuid.get("/deliveries").text

        colleague = logged_in(base, "zuid2@ess.test")  # same team, but the ticket is claimed by zuid
        assert "door een andere adviseur geclaimd" in colleague.flash(f"/tickets/{ref}/close")
        assert "door een andere adviseur geclaimd" in colleague.flash(f"/tickets/{ref}/transfer",
                                                                      advisor_id=str(ids["zuid2"]))
        with db.session() as s:
            t = s.scalars(select(Ticket).where(Ticket.ref == ref)).one()
            assert (t.status, t.assignee_id) == ("claimed", ids["zuid"])

        admin = logged_in(base, "beheer@ess.test")  # the explicit exception: an admin, and audited
        assert "overgedragen" in admin.flash(f"/tickets/{ref}/transfer", advisor_id=str(ids["zuid2"]))
        assert "Antwoord opgeslagen" in colleague.flash(f"/tickets/{ref}/reply", text=ANSWER, kind="answer")
        assert "gesloten" in colleague.flash(f"/tickets/{ref}/close")  # now theirs
        with db.session() as s:
            overrides = [(e.actor_id, e.detail["overrides"]) for e in s.scalars(
                select(AuditEntry).where(AuditEntry.action == "ticket.override"))]
        assert overrides == [(ids["beheer"], "transfer")]
        db.dispose()


def test_an_editor_who_edited_the_text_cannot_approve_it(tmp_path, db_url, logged_in):
    ids = seed(db_url)
    with essbot_serve(tmp_path, tmp_path / "data", db_url, **SERVE) as (base, _):
        author = logged_in(base, "zuid@ess.test")
        r = author.post("/knowledge", question="Hoe ga je om met spanningen tussen twee groepen jongeren?",
                        answer=ANSWER, theme="polarisatie")
        entry = int(r.headers["location"].rsplit("/", 1)[1])

        editor = logged_in(base, "redacteur@ess.test")
        assert "Wijzigingen opgeslagen." in editor.flash(f"/knowledge/{entry}/edit",
                                                         question="Wat moet ik doen bij spanningen?", answer=HARMFUL)
        page = editor.get(f"/knowledge/{entry}").text
        assert f"/knowledge/{entry}/approve" not in page and 'id="four-eyes"' in page
        assert "u heeft de tekst zelf bewerkt" in editor.flash(f"/knowledge/{entry}/approve")
        db = Database(db_url, migrate_on_start=False)
        with db.session() as s:
            e = s.get(KnowledgeEntry, entry)
            assert (e.status, e.last_editor_id) == ("draft", ids["redacteur"])
        assert not list((tmp_path / "data" / "reviewed").glob("ess-adviseur-*.md"))  # nothing citable

        second = logged_in(base, "redacteur2@ess.test")
        page = second.get(f"/knowledge/{entry}").text
        seen = re.search(r'name="version" value="([^"]+)"', page).group(1)
        assert "De tekst is gewijzigd" in second.flash(f"/knowledge/{entry}/approve", version="0" * 16)
        assert "Goedgekeurd en gepubliceerd" in second.flash(f"/knowledge/{entry}/approve", version=seen)
        with db.session() as s:
            e = s.get(KnowledgeEntry, entry)
            assert (e.status, e.approver_id) == ("published", ids["redacteur2"])
            assert s.scalar(select(Team.id).where(Team.name == "Noord")) == ids["noord_team"]
        db.dispose()
