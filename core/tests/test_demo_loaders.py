"""`make run` loads the whole demo on first start: the people demo, then every app's loader in
order. Each loader works on the demo organisation, a second run adds nothing, and every menu
entry of every demo role opens on that data."""

import pytest
from django.urls import reverse
from django.utils.module_loading import import_string

from core.management.commands.serve import DEMO_LOADERS
from people.demo import DEMO_PASSWORD, ROLE_LOGINS, load_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_demo(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    load_demo()
    return [import_string(name)() for name in DEMO_LOADERS]


def test_every_demo_loader_adds_rows_once(full_demo):
    assert all(full_demo), dict(zip(DEMO_LOADERS, full_demo, strict=True))
    again = [import_string(name)() for name in DEMO_LOADERS]
    assert not any(again), str(dict(zip(DEMO_LOADERS, again, strict=True)))


def test_every_menu_entry_of_every_demo_role_opens(full_demo, client):
    for username in ROLE_LOGINS:
        client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD})
        items = client.get(reverse("home")).context["nav_items"]
        for item in items:
            response = client.get(item["url"], follow=True)
            assert response.status_code == 200, (username, item["url"])
        client.logout()
