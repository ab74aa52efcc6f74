"""Every free-text field is redacted before it is stored: the message, the REST API's region, the text of a
request for an advisor. Read back from every table of the database."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from .world import API_KEY, World

SECRETS = ["Jan de Vries", "0612345678", "06-12345678", "jan.devries@voorbeeld.nl", "Yonas Tesfamariam",
           "NL91ABNA0417164300", "@yonas_t2009"]


@pytest.fixture
def world(settings, embeddings, tmp_path):
    w = World(settings, embeddings, tmp_path)
    yield w
    w.close()


def test_every_field_is_redacted_before_storage(world):
    with TestClient(world.app()) as client:
        r = client.post("/api/v1/messages", headers={"X-API-Key": API_KEY}, json={
            "conversation_id": "c1", "language": "nl", "region": "Jan de Vries 0612345678",
            "text": "Ik sprak Yonas Tesfamariam (insta @yonas_t2009) over de spanningen; mail jan.devries@voorbeeld.nl"})
        assert r.status_code == 200, r.text
        r = client.post("/api/v1/conversations/c1/advisor", headers={"X-API-Key": API_KEY}, json={
            "text": "Wilt u Jan de Vries bellen op 06-12345678? Rekening NL91ABNA0417164300.",
            "region": "Jan de Vries 0612345678"})
        assert r.status_code == 200, r.text
    stored = world.all_stored_text()
    assert "[NAAM]" in stored and "[TELEFOON]" in stored
    for secret in SECRETS:
        assert secret not in stored, secret
