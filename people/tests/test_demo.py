"""The demo organisation: one login per role, each logs in and sees its own navigation."""

import pytest
from django.urls import reverse

from crewdesk import settings as project_settings
from people.demo import DEMO_PASSWORD, ROLE_LOGINS, demo_needed, load_demo
from people.models import Company, Customer, OrgUnit, Person
from people.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS  # the real Argon2 hasher
    assert demo_needed()
    load_demo()
    assert not demo_needed()


def test_the_demo_organisation_is_realistic(demo):
    assert Company.objects.filter(kind="client").count() == 1
    assert Company.objects.filter(kind="vendor").count() == 1
    assert OrgUnit.objects.filter(kind="station").count() == 3
    assert 35 <= Person.objects.count() <= 60
    assert set(Person.objects.values_list("role", flat=True)) == set(Role.values)
    assert set(Person.objects.values_list("employment_type", flat=True)) == {
        "own",
        "outsourced",
        "resident",
        "reserve",
    }
    assert Customer.objects.count() >= 100
    assert Person.objects.get(user__username="ops").user.password.startswith("argon2")


def test_every_demo_login_works_and_sees_its_navigation(demo, client):
    for username in ROLE_LOGINS:
        _log_in_and_look(client, username)
        client.logout()


def _log_in_and_look(client, username):
    response = client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302, username
    home = client.get(reverse("home"))
    assert home.status_code == 200
    person = Person.objects.get(user__username=username)
    assert home.context["nav_role_label"] == person.get_role_display()
    urls = {item["url"] for item in home.context["nav_items"]}
    assert ("/policy/" in urls) == (
        person.role
        in {
            "ops_manager",
            "hr_admin",
            "dispatch_centre",
            "customer_service",
            "tech_support",
            "station_head",
            "station_manager",
            "area_supervisor",
            "group_leader",
        }
    )
    assert ("/audit/" in urls) == (person.role in {"ops_manager", "hr_admin"})


def test_the_demo_has_orders_in_several_states(demo):
    from workorders.demo import load_demo_orders
    from workorders.models import Order

    assert load_demo_orders() == 7
    states = set(Order.objects.values_list("state", flat=True))
    assert {"new", "dispatched", "contacted", "resolved", "feedback"} <= states
    assert Order.objects.filter(critical=True).count() == 1
