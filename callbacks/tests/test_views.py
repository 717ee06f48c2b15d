"""Callback and complaint pages: the queue and form (CB-01, BEH-01), scoping 404s, complaints
registered and verified (CB-04, KPI-06), the quarter page (CB-02)."""

from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from assessment.models import Entry
from callbacks import services
from callbacks.models import Callback, Complaint
from callbacks.tests.conftest import closed_order
from conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    def login(persona):
        client.logout()
        assert client.login(username=persona.user.username, password=PASSWORD)
        return client

    return login


def test_cb01_queue_lists_open_callbacks_in_scope(crew, now, as_):
    mine = services.open_callback(closed_order(crew))
    theirs = services.open_callback(closed_order(crew, engineer=crew.engineer_b))
    page = as_(crew.cs).get(reverse("callbacks:queue"))
    assert page.status_code == 200
    assert reverse("callbacks:detail", args=[mine.pk]) in page.content.decode()
    assert reverse("callbacks:detail", args=[theirs.pk]) in page.content.decode()
    page = as_(crew.manager_a).get(reverse("callbacks:queue"))
    assert reverse("callbacks:detail", args=[theirs.pk]) not in page.content.decode()
    station = as_(crew.cs).get(reverse("callbacks:queue"), {"unit": crew.station_b.pk})
    assert reverse("callbacks:detail", args=[mine.pk]) not in station.content.decode()


def test_beh01_the_form_records_two_violations_into_two_entries(crew, now, as_):
    callback = services.open_callback(closed_order(crew))
    url = reverse("callbacks:detail", args=[callback.pk])
    page = as_(crew.cs).get(url)
    html = page.content.decode()
    assert 'data-testid="save-callback"' in html and 'name="violations"' in html
    assert "13512341203" in html  # customer service sees the full number (SEC-05)
    response = as_(crew.cs).post(
        url, {"violations": ["knocking", "no-gift"], "satisfaction": "2", "note": "未敲门"}
    )
    assert response.status_code == 302
    callback.refresh_from_db()
    assert callback.state == Callback.State.DONE and callback.satisfaction == 2
    fines = Entry.objects.filter(person=crew.engineer_a, rule_id="BEH-01")
    assert sorted(e.fine for e in fines) == [Decimal("50.00")] * 2


def test_bad_form_input_is_shown_and_nothing_stored(crew, now, as_):
    callback = services.open_callback(closed_order(crew))
    url = reverse("callbacks:detail", args=[callback.pk])
    response = as_(crew.cs).post(url, {"violations": ["dancing"], "satisfaction": "9"})
    assert response.status_code == 400
    callback.refresh_from_db()
    assert callback.state == Callback.State.OPEN and not Entry.objects.exists()


def test_scoping_outsiders_get_404(crew, now, as_):
    callback = services.open_callback(closed_order(crew))
    complaint = services.register_complaint(by=crew.cs, engineer=crew.engineer_a, text="差")
    for persona in (crew.engineer_b, crew.vendor_contact):
        client = as_(persona)
        assert client.get(reverse("callbacks:detail", args=[callback.pk])).status_code == 404
        assert client.get(reverse("callbacks:complaint", args=[complaint.pk])).status_code == 404
        assert client.post(reverse("callbacks:unreachable", args=[callback.pk])).status_code == 404


def test_the_engineer_sees_but_cannot_record_his_callback(crew, now, as_):
    callback = services.open_callback(closed_order(crew))
    url = reverse("callbacks:detail", args=[callback.pk])
    client = as_(crew.engineer_a)
    page = client.get(url)
    assert page.status_code == 200 and b"save-callback" not in page.content
    assert b"13512341203" not in page.content  # masked (SEC-05)
    client.post(url, {"violations": ["knocking"], "satisfaction": "1"})
    assert not Entry.objects.exists()


def test_cb04_kpi06_complaint_registered_then_verified_on_the_pages(crew, now, as_):
    response = as_(crew.cs).post(
        reverse("callbacks:complaints"), {"engineer": crew.engineer_a.pk, "text": "乱收费"}
    )
    complaint = Complaint.objects.get()
    assert response.status_code == 302 and complaint.state == Complaint.State.REGISTERED
    url = reverse("callbacks:complaint", args=[complaint.pk])
    assert b"verify-complaint" not in as_(crew.cs).get(url).content
    client = as_(crew.ops)
    assert client.post(url, {"decision": "verify", "reason": ""}).status_code == 400
    assert client.post(url, {"decision": "verify", "reason": "属实"}).status_code == 302
    entry = Entry.objects.get(person=crew.engineer_a)
    assert (entry.rule_id, entry.points, entry.fine) == (
        "KPI-06",
        Decimal("1.00"),
        Decimal("100.00"),
    )


def test_complaint_form_errors_name_the_field(crew, now, as_):
    response = as_(crew.cs).post(
        reverse("callbacks:complaints"), {"order_number": "NOPE", "text": "x"}
    )
    assert response.status_code == 400 and _("No such work order.") in response.text
    assert not Complaint.objects.exists()


def test_cb02_quarter_page_and_sending(crew, now, as_):
    services.generate_client_callbacks(date(2026, 11, 1))
    task = Callback.objects.get(engineer=crew.engineer_a)
    services.record_callback(task, by=crew.specialist, violations=[], satisfaction=5)
    client = as_(crew.specialist)
    page = client.get(reverse("callbacks:quarter"), {"quarter": "2026Q4"})
    assert page.status_code == 200 and crew.engineer_a.name in page.content.decode()
    assert crew.engineer_b.name not in page.content.decode()
    assert client.post(reverse("callbacks:quarter"), {"quarter": "2026Q4"}).status_code == 302
    assert as_(crew.engineer_a).get(reverse("callbacks:quarter")).status_code == 200
