"""Property-based fuzzing of the partner API from its own OpenAPI schema (schemathesis's Python API),
in process against the real engine, queue and index: valid and invalid requests for every operation,
no server errors, and every response (status, content type, body) as documented."""
from __future__ import annotations

import hashlib

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings as hypothesis_settings

from .world import World

KEY = "fuzz-partner-key-" + "f" * 24
EXAMPLES = 40


@pytest.fixture
def api_schema(settings, embeddings, tmp_path):
    world = World(settings, embeddings, tmp_path, api_keys={"fuzz": hashlib.sha256(KEY.encode()).hexdigest()})
    # a generous key limit, so most cases reach the engine instead of stopping at 429
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", world.app(per_minute=100_000))

    @schema.auth()
    class PartnerKey:  # the real key, except in the cases that test a missing or wrong one
        def get(self, case, context):
            return KEY

        def set(self, case, data, context):
            case.headers = {**(case.headers or {}), "X-API-Key": data}

    yield schema
    world.close()


@pytest.mark.parametrize("mode", list(schemathesis.GenerationMode), ids=lambda m: m.value)
def test_partner_api_never_fails_and_matches_its_schema(api_schema, mode):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) == 5
    statuses: dict[str, set[int]] = {}
    for operation in operations:
        @given(case=operation.as_strategy(generation_mode=mode))
        @hypothesis_settings(max_examples=EXAMPLES, deadline=None, database=None,
                             suppress_health_check=list(HealthCheck))
        def fuzz(case):
            response = case.call_and_validate()
            assert response.status_code < 500, (operation.label, response.status_code)
            statuses.setdefault(operation.label, set()).add(response.status_code)

        fuzz()
    if mode is schemathesis.GenerationMode.POSITIVE:  # the key worked: valid requests reached the engine
        assert all(any(200 <= s < 300 for s in seen) for seen in statuses.values()), statuses
