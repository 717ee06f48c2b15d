"""schemathesis against our own OpenAPI: generated requests never cause a server error, and
documented responses match their schema. Runs as the operations manager (widest scope)."""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from core.services import create_api_token
from crewdesk.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Calling the WSGI app directly fires request_finished, which closes the database connection
    the test transaction lives on (PostgreSQL notices, in-memory SQLite does not). Keep it open."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def token(org):
    return create_api_token(org.ops.user, name="schemathesis")[1]


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case, token):
    response = case.call(headers={"Authorization": f"Bearer {token}"})
    case.validate_response(
        response, checks=[not_a_server_error, content_type_conformance, response_schema_conformance]
    )


def test_schema_names_are_unique_so_openapi_components_do_not_overwrite_each_other():
    """Ninja names an OpenAPI component after its class: two apps' `ItemOut` would silently share
    one schema, and one app's responses would then violate it."""
    from collections import defaultdict

    from ninja import Schema

    from crewdesk.api import api

    api.get_openapi_schema()  # imports every router and its schemas
    seen: dict[str, set[str]] = defaultdict(set)
    stack = list(Schema.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.split(".")[0] not in {"ninja", "pydantic"}:
            seen[cls.__name__].add(cls.__module__)
    assert {name: mods for name, mods in seen.items() if len(mods) > 1} == {}
