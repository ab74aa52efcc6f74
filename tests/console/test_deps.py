"""The console's typed dependencies (bot/console/deps.py): a test replaces one part and the routes use it."""
from __future__ import annotations

from bot.console.deps import get_actor, get_db, get_queue
from bot.console.security import Actor
from bot.storage.db import Database

from .conftest import logged_in


def test_a_route_is_served_by_an_overridden_queue(world, client):
    asked = []

    class Queue:
        def claim_next(self, advisor_id):
            asked.append(advisor_id)
            return "ESS-OVERRIDE-1"

    csrf = logged_in(client, "advisor")  # reads the queue page, which the fake does not serve
    world.app.dependency_overrides[get_queue] = Queue
    r = client.post("/queue/claim-next", data={"csrf": csrf})
    # The real queue has no ticket and would send the advisor to the team queue.
    assert r.status_code == 303 and r.headers["location"] == "/tickets/ESS-OVERRIDE-1"
    assert asked == [world.ids["advisor"]]


def test_the_actor_comes_from_the_overridden_database(world, client, tmp_path):
    # A database file that cannot be opened: if the login check read the app's own database, this would be
    # the login redirect; through DbDep it is the 503 page.
    down = Database(f"sqlite:///{tmp_path}/missing/dir/x.sqlite", migrate_on_start=False)
    world.app.dependency_overrides[get_db] = lambda: down
    client.cookies.set("essbot_session", "a-session-id")
    r = client.get("/queue/mine")
    assert r.status_code == 503 and r.headers["retry-after"] == "5"
    down.dispose()


def test_role_checks_build_on_the_overridden_actor(world, client):
    advisor = Actor(world.ids["advisor"], "Advisor", "advisor@ess.test", "advisor", world.ids["team"], "t0ken")
    world.app.dependency_overrides[get_actor] = lambda: advisor
    assert client.get("/queue/mine").status_code == 200  # no login: the override is the advisor
    refused = client.get("/admin/advisors")
    assert refused.status_code == 403 and "Geen toegang" in refused.text
    assert client.post("/logout", data={"csrf": "other"}).status_code == 403  # the override's token counts
    assert client.post("/logout", data={"csrf": "t0ken"}).status_code == 303



def test_an_outage_the_api_would_answer_503_is_the_consoles_503_page_too(world, client):
    """One rule for both surfaces (bot/observability/outages.py): the vector store down while an advisor works
    is "try again in a few seconds", with the API's Retry-After, not a 500."""
    from bot.index.vectors import VectorStoreUnavailable
    from bot.observability.outages import RETRY_AFTER_S, is_outage

    class Queue:
        def claim_next(self, advisor_id):
            raise VectorStoreUnavailable("chroma is restarting")

    csrf = logged_in(client, "advisor")
    world.app.dependency_overrides[get_queue] = Queue
    r = client.post("/queue/claim-next", data={"csrf": csrf})
    assert is_outage(VectorStoreUnavailable("x"))
    assert r.status_code == 503 and r.headers["retry-after"] == str(RETRY_AFTER_S)
    assert "even niet bereikbaar" in r.text
