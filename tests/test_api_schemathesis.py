"""Property-based run over the OpenAPI description (/api/v1/openapi.json) with Schemathesis: for every
operation a bounded number of generated requests, as a coop admin and as a requester. No answer may be a
server error, every status must be one the description documents, and every body must match its schema.

Runs on SQLite and PostgreSQL (make test runs both). ``KITU_SCHEMATHESIS_EXAMPLES`` sets the examples per
operation (default 25)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from config.api import api
from config.wsgi import application
from kitu.accounts.services import api_token_create
from kitu.core.actors import SYSTEM

EXAMPLES = int(os.environ.get("KITU_SCHEMATHESIS_EXAMPLES", "25"))

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = application


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    """Requests go through the WSGI application, whose request signals would close the database connection
    that holds the test's transaction (Django's test client disconnects them the same way)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture(params=["coop_admin", "requester"])
def bearer(request: Any, order_world: dict[str, Any]) -> str:
    users = order_world["users"]
    user = users[request.param] if request.param in users else order_world["admin"]
    _token, secret = api_token_create(actor=SYSTEM, user=user, name="schemathesis")
    return secret


@pytest.mark.django_db(transaction=False)
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_api_answers_as_documented(case: Any, bearer: str) -> None:
    case.call_and_validate(
        headers={"Authorization": f"Bearer {bearer}"},
        checks=[not_a_server_error, status_code_conformance, response_schema_conformance, negative_data_rejection],
    )
