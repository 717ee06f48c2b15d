"""Shared fixtures: fast password hashing in tests and a small organisation with personas.

Personas (STYLE.md): engineer, dispatcher, station manager, client contact, outsider, ...
Station A and station B each sit under one region; the outsider is an engineer of station B.
"""

from types import SimpleNamespace

import pytest

from people.models import Company, OrgUnit
from people.roles import EmploymentType, Role
from people.tests.factories import (
    CompanyFactory,
    CustomerFactory,
    OrgUnitFactory,
    PersonFactory,
    TeamFactory,
    UserFactory,
)

PASSWORD = "pass-word-1"


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_person(username: str, role: str, **fields):
    return PersonFactory(user=UserFactory(username=username), role=role, **fields)


@pytest.fixture
def org(db):
    own = CompanyFactory(name="城网通", kind=Company.Kind.OWN)
    client = CompanyFactory(name="华南广电", kind=Company.Kind.CLIENT)
    vendor = CompanyFactory(name="信达外包", kind=Company.Kind.VENDOR)
    other_client = CompanyFactory(name="另一甲方", kind=Company.Kind.CLIENT)
    region = OrgUnitFactory(name="运营部", code="OPS", kind=OrgUnit.Kind.REGION)
    station_a = OrgUnitFactory(name="东城区站", code="A", parent=region, client=client)
    station_b = OrgUnitFactory(name="西城区站", code="B", parent=region, client=other_client)
    community_a = OrgUnitFactory(
        name="东苑社区", code="A-1", kind=OrgUnit.Kind.COMMUNITY, parent=station_a, client=client
    )
    team_a = TeamFactory(name="东城一组", unit=station_a)
    ops = make_person("ops", Role.OPS_MANAGER, employer=own, unit=region)
    manager_a = make_person("manager_a", Role.STATION_MANAGER, employer=own, unit=station_a)
    leader_a = make_person("leader_a", Role.GROUP_LEADER, employer=own, unit=station_a, team=team_a)
    team_a.leader = leader_a
    team_a.save()
    engineer_a = make_person(
        "engineer_a", Role.ENGINEER, employer=own, unit=station_a, team=team_a, client=client
    )
    vendor_engineer_a = make_person(
        "vendor_engineer_a",
        Role.ENGINEER,
        employer=vendor,
        unit=station_a,
        team=team_a,
        client=client,
        employment_type=EmploymentType.OUTSOURCED,
    )
    engineer_b = make_person(
        "engineer_b", Role.ENGINEER, employer=own, unit=station_b, client=other_client
    )
    return SimpleNamespace(
        own=own,
        client=client,
        vendor=vendor,
        other_client=other_client,
        region=region,
        station_a=station_a,
        station_b=station_b,
        community_a=community_a,
        team_a=team_a,
        ops=ops,
        manager_a=manager_a,
        leader_a=leader_a,
        engineer_a=engineer_a,
        vendor_engineer_a=vendor_engineer_a,
        engineer_b=engineer_b,
        outsider=engineer_b,
        cs=make_person("cs", Role.CUSTOMER_SERVICE, employer=own, unit=region),
        hr=make_person("hr", Role.HR_ADMIN, employer=own, unit=region),
        client_pic=make_person("client_pic", Role.CLIENT_PIC, employer=client, client=client),
        vendor_contact=make_person("vendor_contact", Role.VENDOR_CONTACT, employer=vendor),
        customer_a=CustomerFactory(unit=community_a, client=client, phone="13512341203"),
        customer_b=CustomerFactory(unit=station_b, client=other_client, phone="13600001111"),
    )


@pytest.fixture
def api(client):
    """api(persona, method, path, json=None, data=None, **params): a request with the persona's
    API token (one per persona), sending a JSON body, a multipart `data` or query parameters."""
    from core.services import create_api_token

    secrets: dict[int, str] = {}

    def call(persona, method, path, json=None, data=None, **params):
        if persona.pk not in secrets:
            secrets[persona.pk] = create_api_token(persona.user, name="test")[1]
        headers = {"HTTP_AUTHORIZATION": f"Bearer {secrets[persona.pk]}"}
        if json is not None:
            return getattr(client, method)(path, json, content_type="application/json", **headers)
        if data is not None:
            return getattr(client, method)(path, data, **headers)
        return getattr(client, method)(path, params, **headers)

    return call
