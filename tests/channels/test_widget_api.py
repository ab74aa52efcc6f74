"""The widget API on a real engine, queue and index: streamed answers with sources, urgent messages,
hand-over and the advisor's reply, and every refusal (site key, origin, size, rate)."""
from __future__ import annotations

import hashlib
import shutil
import subprocess

import pytest
from fastapi.testclient import TestClient

from bot.channels.gateway import Gateway
from bot.channels.web.deps import get_gateway
from bot.channels.web.sites import Sites, conversation_id
from bot.channels.web.sse import parse
from bot.i18n import text as T
from .world import (ORIGIN, OTHER_ORIGIN, OTHER_SITE, QUESTION, SITE, SOURCE_URL, URGENT, TooLongForTheEngine,
                    World)


@pytest.fixture
def world(settings, embeddings, tmp_path):
    w = World(settings, embeddings, tmp_path)
    yield w
    w.close()


@pytest.fixture
def client(world):
    with TestClient(world.app(), headers={"Origin": ORIGIN}) as c:
        yield c


def start(client, site=SITE) -> str:
    r = client.post("/widget/conversations", json={"site": site})
    assert r.status_code == 201, r.text
    return r.json()["token"]


def ask(client, token, text, site=SITE, **headers):
    return client.post(f"/widget/conversations/{token}/messages?site={site}", json={"text": text, "language": "nl"},
                       headers={"Accept": "text/event-stream", **headers})


def test_script_is_one_cacheable_file_with_both_languages(client):
    r = client.get("/widget/widget.js", headers={"Origin": ""})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/javascript")
    assert "public" in r.headers["cache-control"] and r.headers["cross-origin-resource-policy"] == "cross-origin"
    body = r.text
    assert "__TEXTS__" not in body and "__MAX_CHARS__" not in body
    assert "Vraag een adviseur" in body and "Ask an advisor" in body and "Antwoord van een ESS-adviseur" in body
    assert "innerHTML" not in body  # every text goes in with textContent
    assert "{retention}" not in body and "bewaren we 180 dagen" in body  # the privacy note states the period
    assert client.get("/widget/widget.js", headers={"If-None-Match": r.headers["etag"]}).status_code == 304
    if shutil.which("node"):
        check = subprocess.run(["node", "--check", "-"], input=body, capture_output=True, text=True)
        assert check.returncode == 0, check.stderr


def test_answer_is_streamed_with_sources_and_the_token_is_never_stored(client, world):
    token = start(client)
    r = ask(client, token, QUESTION)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
    assert r.headers["access-control-allow-origin"] == ORIGIN
    events = parse(r.text)
    names = [n for n, _ in events]
    assert names[0] == "meta" and names[-2:] == ["citations", "done"] and names.count("delta") > 3
    meta = events[0][1]
    assert meta["kind"] == "answer" and meta["ticket_ref"] is None
    answer = "".join(d["text"] for n, d in events if n == "delta")
    assert "middengroep" in answer and "[1]" in answer
    citations = events[-2][1]
    assert citations[0]["title"] == "Handreiking depolarisatie" and citations[0]["url"] == SOURCE_URL

    stored = world.all_stored_text()
    assert "web:" + hashlib.sha256(token.encode()).hexdigest() in stored
    assert token not in stored and token.split(".")[0] not in stored


def test_urgent_message_gets_emergency_numbers_and_a_ticket(client):
    events = parse(ask(client, start(client), URGENT).text)
    meta = events[0][1]
    answer = "".join(d["text"] for n, d in events if n == "delta")
    assert meta["kind"] == "urgent" and meta["ticket_ref"] and "112" in answer and meta["ticket_ref"] in answer


def test_hand_over_and_the_advisor_reply_arrives_once(client, world):
    token = start(client)
    nothing = client.post(f"/widget/conversations/{token}/advisor?site={SITE}", json={})
    assert nothing.status_code == 409 and nothing.json()["error"]["code"] == "nothing_to_hand_over"

    ask(client, token, QUESTION)
    r = client.post(f"/widget/conversations/{token}/advisor?site={SITE}", json={"language": "nl"})
    assert r.status_code == 200, r.text
    outcome = r.json()["outcome"]
    assert outcome["kind"] == "handover" and outcome["ticket_ref"] in outcome["text"]
    replies = f"/widget/conversations/{token}/replies?site={SITE}"
    assert client.get(replies).json() == {"replies": []}

    world.queue.reply(outcome["ticket_ref"], world.advisor, "Begin met een gesprek met de middengroep.")
    assert world.deliver() == 1
    assert world.deliver() == 0
    got = client.get(replies).json()["replies"]
    assert len(got) == 1 and got[0]["ticket_ref"] == outcome["ticket_ref"]
    assert got[0]["text"].endswith("Begin met een gesprek met de middengroep.")
    assert client.get(replies + f"&after={got[0]['id']}").json() == {"replies": []}
    # another conversation never sees it
    assert client.get(f"/widget/conversations/{start(client)}/replies?site={SITE}").json() == {"replies": []}


def test_not_helpful_hands_the_question_over(client):
    token = start(client)
    ask(client, token, QUESTION)
    helpful = client.post(f"/widget/conversations/{token}/feedback?site={SITE}", json={"helpful": True})
    assert helpful.json() == {"outcome": None}
    r = client.post(f"/widget/conversations/{token}/feedback?site={SITE}", json={"helpful": False})
    assert r.json()["outcome"]["kind"] == "handover" and r.json()["outcome"]["ticket_ref"]


def test_wrong_site_key_or_origin_is_refused_including_preflight(client):
    assert client.post("/widget/conversations", json={"site": "onbekend"}).json()["error"]["code"] == "unknown_site"
    wrong = client.post("/widget/conversations", json={"site": SITE}, headers={"Origin": "https://evil.example"})
    assert wrong.status_code == 403 and wrong.json()["error"]["code"] == "origin_refused"
    assert "access-control-allow-origin" not in wrong.headers
    assert "niet" in wrong.json()["error"]["message_nl"] and wrong.json()["error"]["message_en"]
    no_origin = client.post("/widget/conversations", json={"site": SITE}, headers={"Origin": ""})
    assert no_origin.status_code == 403

    pre = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    ok = client.options(f"/widget/conversations?site={SITE}", headers=pre)
    assert ok.status_code == 204 and ok.headers["access-control-allow-origin"] == ORIGIN
    assert "POST" in ok.headers["access-control-allow-methods"]
    for site, origin in [(SITE, "https://evil.example"), ("onbekend", ORIGIN), (SITE, OTHER_ORIGIN)]:
        refused = client.options(f"/widget/conversations?site={site}", headers={**pre, "Origin": origin})
        assert refused.status_code == 403 and "access-control-allow-origin" not in refused.headers
    # without a key in the query the origin must at least belong to some site
    assert client.options("/widget/conversations", headers={**pre, "Origin": "https://evil.example"}).status_code == 403

    token = start(client)
    stolen = ask(client, token, QUESTION, site=OTHER_SITE, Origin=OTHER_ORIGIN)  # a token is bound to its site
    assert stolen.status_code == 404
    forged = token.split(".")[0] + "." + "A" * 22
    for bad in (forged, "kapot", "x" * 300):
        r = ask(client, bad, QUESTION)
        assert r.status_code == 404 and parse(r.text)[0][1]["code"] == "unknown_conversation"
    elsewhere = ask(client, token, QUESTION, Origin="https://evil.example")
    assert elsewhere.status_code == 403 and parse(elsewhere.text)[0][1]["code"] == "origin_refused"


def test_oversized_messages_are_refused(world):
    world.settings.max_message_chars = 200
    with TestClient(world.app(), headers={"Origin": ORIGIN}) as client:
        token = start(client)
        r = ask(client, token, "woord " * 40)
        assert r.status_code == 413
        error = parse(r.text)[0]
        assert error[0] == "error" and error[1]["code"] == "too_long" and "200" in error[1]["message"]
        huge = client.post(f"/widget/conversations/{token}/messages?site={SITE}",
                           content=b'{"text": "' + b"x" * 100_000 + b'"}', headers={"Content-Type": "application/json"})
        assert huge.status_code == 413 and huge.json()["error"]["code"] == "body_too_large"
        assert huge.headers["access-control-allow-origin"] == ORIGIN  # the widget can read why


def test_rate_limits_per_conversation_and_per_site(world):
    world.settings.site_messages_per_minute = 5
    world.settings.asker_messages_per_minute = 2
    world.gateway = Gateway(world.settings, world.engine, world.db, world.queue)
    with TestClient(world.app(), headers={"Origin": ORIGIN}) as client:
        token = start(client)  # site: 1
        assert ask(client, token, QUESTION).status_code == 200  # site 2, conversation 1
        assert ask(client, token, QUESTION).status_code == 200  # site 3, conversation 2
        r = ask(client, token, QUESTION)  # site 4, conversation refused
        assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
        assert parse(r.text)[0][1]["code"] == "rate_limited"
        assert ask(client, start(client), QUESTION).status_code == 429  # site: 5 used, 6th refused
        other = client.post("/widget/conversations", json={"site": OTHER_SITE}, headers={"Origin": OTHER_ORIGIN})
        assert other.status_code == 201  # another site has its own budget


def test_each_refused_message_has_its_own_code(world):
    world.settings.max_message_chars = 200
    with TestClient(world.app(), headers={"Origin": ORIGIN}) as client:
        token = start(client)
        messages = f"/widget/conversations/{token}/messages?site={SITE}"
        for text, status, code in [("  \n ", 422, "empty"), ("?!? \u200b", 422, "no_words"),
                                   ("woord " * 40, 413, "too_long")]:
            r = client.post(messages, json={"text": text, "language": "en"})
            assert (r.status_code, r.json()["error"]["code"]) == (status, code), (text, r.text)
        long_handover = client.post(f"/widget/conversations/{token}/advisor?site={SITE}", json={"text": "woord " * 40})
        error = long_handover.json()["error"]
        assert long_handover.status_code == 413 and error["code"] == "too_long" and "200" in error["message_nl"]
    assert world.queue.all() == []  # nothing refused became a ticket


def test_the_gateway_is_a_dependency_and_a_refusal_behind_it_keeps_its_code(world):
    app = world.app()
    app.dependency_overrides[get_gateway] = lambda: TooLongForTheEngine(world.gateway)
    with TestClient(app, headers={"Origin": ORIGIN}) as client:
        r = ask(client, start(client), QUESTION)
    [(name, error), _] = parse(r.text)
    assert r.status_code == 413 and name == "error" and error["code"] == "too_long" and "123" in error["message"]


def history(client, token, site=SITE, **headers):
    return client.get(f"/widget/conversations/{token}/history?site={site}", headers=headers)


def test_history_brings_back_the_whole_conversation_as_stored_for_the_token_holder_only(client, world):
    token = start(client)
    assert history(client, token).json() == {"messages": []}
    ask(client, token, QUESTION)
    ask(client, token, "Mijn naam is Jan de Vries, bel me op 0612345678. Hoe pak ik dat aan?")
    ref = client.post(f"/widget/conversations/{token}/advisor?site={SITE}", json={}).json()["outcome"]["ticket_ref"]
    world.queue.reply(ref, world.advisor, "Begin met een gesprek met de middengroep.")
    assert world.deliver() == 1

    r = history(client, token)
    assert r.status_code == 200 and r.headers["access-control-allow-origin"] == ORIGIN
    got = r.json()["messages"]
    assert [(m["author"], m.get("kind")) for m in got] == [
        ("asker", None), ("bot", "answer"), ("asker", None), ("bot", got[3]["kind"]), ("bot", "handover"),
        ("advisor", None)]
    assert got[0]["text"] == QUESTION and "middengroep" in got[1]["text"] and not got[1]["shortened"]
    assert "[1]" in got[1]["text"] and not got[1]["text"].startswith("[answer]")  # the stored tag is a field
    assert [(c["n"], c["url"]) for c in got[1]["citations"]] == [(1, SOURCE_URL)]
    # redacted as stored: the name and number never come back
    assert "Jan" not in got[2]["text"] and "0612345678" not in got[2]["text"] and "[TELEFOON]" in got[2]["text"]
    assert ref in got[4]["text"]
    assert got[5]["ticket_ref"] == ref and got[5]["text"].endswith("middengroep.") and got[5]["id"] >= 1
    assert [m["at"] for m in got] == sorted(m["at"] for m in got) and got[0]["at"].endswith("+00:00")

    # nobody else: another conversation, another site, a forged or damaged token, a page of another origin
    assert history(client, start(client)).json() == {"messages": []}
    assert history(client, token, site=OTHER_SITE, Origin=OTHER_ORIGIN).status_code == 404
    forged = token.split(".")[0] + "." + token.split(".")[1] + "." + "A" * 22
    for bad in (forged, "kapot"):
        assert history(client, bad).json()["error"]["code"] == "unknown_conversation"
    elsewhere = history(client, token, Origin="https://evil.example")
    assert elsewhere.status_code == 403 and "access-control-allow-origin" not in elsewhere.headers


def test_history_ends_with_retention_and_erasure(client, world):
    token = start(client)
    ask(client, token, QUESTION)
    assert len(history(client, token).json()["messages"]) == 2
    world.queue.apply_retention(0)  # everything is older than zero days: the stored conversation is deleted
    assert history(client, token).json() == {"messages": []}

    token = start(client)
    ask(client, token, QUESTION)
    world.gateway.erase(world.gateway.asker("web", hashlib.sha256(token.encode()).hexdigest()))
    assert history(client, token).json() == {"messages": []}

    # the token itself expires with the retention period
    sites = Sites(world.settings)
    old = Sites(world.settings, today=lambda: sites.today() - world.settings.retention_days - 1).issue(SITE)
    assert history(client, old).json()["error"]["code"] == "unknown_conversation"
    recent = Sites(world.settings, today=lambda: sites.today() - world.settings.retention_days).issue(SITE)
    assert history(client, recent).status_code == 200


def test_a_long_answer_comes_back_whole_with_its_sources(client, world, monkeypatch):
    world.longer_answers(monkeypatch)
    token = start(client)
    events = parse(ask(client, token, QUESTION).text)
    given = "".join(d["text"] for n, d in events if n == "delta")
    [cited] = [d for n, d in events if n == "citations"]
    assert len(given) > 1000 and given.count("[1]") > 10

    [asked, said] = history(client, token).json()["messages"]
    assert (said["author"], said["kind"], said["shortened"]) == ("bot", "answer", False)
    assert said["text"] == given and said["citations"] == cited  # as it was given: whole, same sources
    assert cited[0]["url"] == SOURCE_URL and cited[0]["label"].startswith("Handreiking depolarisatie")


def test_an_answer_stored_before_0008_comes_back_shortened_and_marked(client, world):
    """Rows from before revision 0008 kept "[kind] " + 500 characters and no sources: the kind is read from the
    tag and the answer is marked shortened."""
    token = start(client)
    long = "Een lang antwoord [1]. " * 40
    # as the engine stored it then (append keeps the text as given, with no kind)
    world.engine.conversations.append(conversation_id(token), "assistant", f"[answer] {long[:500]}", channel="web")
    [said] = history(client, token).json()["messages"]
    assert (said["kind"], said["text"], said["shortened"], said["citations"]) == ("answer", long[:500] + "…", True, [])


def test_the_ai_notice_tells_the_truth_about_reaching_a_person(client):
    """The widget's notice says which sentence reaches a person: that sentence hands over, in both languages."""
    for lang in ("nl", "en"):
        notice = T("widget.ui.ai_notice", lang)
        sentence = notice.split("“")[1].split("”")[0]
        token = start(client)
        r = client.post(f"/widget/conversations/{token}/messages?site={SITE}", json={"text": sentence, "language": lang},
                        headers={"Accept": "text/event-stream"})
        meta = parse(r.text)[0][1]
        assert meta["kind"] == "handover" and meta["ticket_ref"], (lang, sentence)
