"""Request pages: filing, scoping (the outsider gets 404), the approver inbox and its HTMX row."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from leave.models import Request
from leave.services import approve_step, submit_request
from leave.tests.conftest import TUESDAY
from notifications.models import Notification
from notifications.services import notify

pytestmark = pytest.mark.django_db


def login(client, persona):
    client.force_login(persona.user)
    return client


@pytest.fixture
def leave_request(org, types_, monday):
    return submit_request(
        org.engineer_a,
        by=org.engineer_a.user,
        kind="leave",
        leave_type=types_.annual,
        start_date=TUESDAY,
        end_date=TUESDAY,
        reason="回老家",
    )


def form_data(types_, **overrides):
    data = {
        "kind": "leave",
        "leave_type": types_.annual.pk,
        "start_date": TUESDAY.isoformat(),
        "start_half": "am",
        "end_date": TUESDAY.isoformat(),
        "end_half": "pm",
        "reason": "回老家",
        "idempotency_key": "form-1",
    }
    return data | overrides


def test_request_pages_need_a_login(client, db):
    response = client.get(reverse("leave:list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_an_engineer_files_a_leave_request_on_the_form(client, org, types_, monday):
    login(client, org.engineer_a)
    page = client.get(reverse("leave:new"))
    assert page.status_code == 200
    assert 'type="date"' in page.content.decode()
    response = client.post(reverse("leave:new"), form_data(types_))
    req = Request.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/requests/{req.pk}/"
    # A second tap on the button sends the same form again: still one request.
    client.post(reverse("leave:new"), form_data(types_))
    assert Request.objects.count() == 1
    detail = client.get(response["Location"]).content.decode()
    assert org.leader_a.name in detail and "REQ-01" in detail


def test_each_kind_shows_its_own_inputs(client, org, monday):
    login(client, org.engineer_a)
    trip = client.get(reverse("leave:new"), {"kind": "trip"}).context["form"]
    assert "destination" in trip.fields and "leave_type" not in trip.fields
    makeup = client.get(reverse("leave:new"), {"kind": "makeup"}).context["form"]
    assert "start_at" in makeup.fields and "end_date" not in makeup.fields


def test_form_errors_name_the_field(client, org, types_, monday):
    login(client, org.engineer_a)
    response = client.post(
        reverse("leave:new"),
        form_data(types_, leave_type=types_.personal.pk, start_date=monday.date().isoformat()),
    )
    assert response.status_code == 200
    assert "REQ-02" in str(response.context["form"].errors["start_date"])
    assert not Request.objects.exists()


def test_a_sick_certificate_is_uploaded_and_only_visible_in_scope(client, org, types_, monday):
    login(client, org.engineer_a)
    certificate = SimpleUploadedFile("cert.pdf", b"%PDF-1.4 x", "application/pdf")
    data = form_data(
        types_,
        leave_type=types_.sick.pk,
        end_date=(TUESDAY + timedelta(days=1)).isoformat(),
        attachment=certificate,
    )
    response = client.post(reverse("leave:new"), data)
    assert response.status_code == 302, response.context["form"].errors
    req = Request.objects.get()
    url = reverse("leave:attachment", args=[req.pk])
    assert client.get(url).status_code == 200
    login(client, org.client_pic)  # the approver of sick leave > 1 day
    assert client.get(url).status_code == 200
    login(client, org.engineer_b)
    assert client.get(url).status_code == 404


def test_the_outsider_gets_404(client, org, leave_request):
    login(client, org.engineer_b)
    for name in ("detail", "attachment"):
        assert client.get(reverse(f"leave:{name}", args=[leave_request.pk])).status_code == 404
    for name in ("approve", "reject", "withdraw", "trip-report", "cover"):
        assert client.post(reverse(f"leave:{name}", args=[leave_request.pk])).status_code == 404
    assert Request.objects.get().status == "pending"


def test_scoping_of_the_list(client, org, leave_request):
    login(client, org.manager_a)
    mine = client.get(reverse("leave:list")).context["page"]
    assert list(mine) == []
    everyone = client.get(reverse("leave:list"), {"scope": "all"}).context["page"]
    assert [r.pk for r in everyone] == [leave_request.pk]
    rows = client.get(
        reverse("leave:list"), {"scope": "all", "status": "pending"}, HTTP_HX_REQUEST="true"
    )
    assert rows.templates[0].name == "leave/_request_rows.html"
    assert f'data-request="{leave_request.pk}"' in rows.content.decode()
    login(client, org.engineer_b)
    assert list(client.get(reverse("leave:list"), {"scope": "all"}).context["page"]) == []
    login(client, org.client_pic)  # not an approver of a one-day leave
    assert list(client.get(reverse("leave:list"), {"scope": "all"}).context["page"]) == []


def test_the_approver_inbox_approves_with_an_htmx_row_swap(client, org, leave_request):
    login(client, org.leader_a)
    inbox = client.get(reverse("leave:inbox"))
    assert [s.request_id for s in inbox.context["steps"]] == [leave_request.pk]
    nav = {item["url"]: item["label"] for item in inbox.context["nav_items"]}
    assert "1" in str(nav[reverse("leave:inbox")])  # 审批（1）
    response = client.post(
        reverse("leave:approve", args=[leave_request.pk]),
        {"comment": "同意"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "leave/_inbox_row.html"
    assert f'id="step-{leave_request.steps.get().pk}"' in response.content.decode()
    assert 'data-status="approved"' in response.content.decode()
    assert Request.objects.get().status == "approved"
    assert list(client.get(reverse("leave:inbox")).context["steps"]) == []


def test_a_second_click_shows_the_error_in_the_row(client, org, leave_request):
    approve_step(leave_request, by=org.leader_a.user)
    login(client, org.leader_a)
    response = client.post(reverse("leave:reject", args=[leave_request.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()
    assert Request.objects.get().status == "approved"


def test_reject_without_htmx_redirects_to_the_detail(client, org, leave_request):
    login(client, org.leader_a)
    response = client.post(reverse("leave:reject", args=[leave_request.pk]), {"comment": "不行"})
    assert response.status_code == 302
    assert Request.objects.get().status == "rejected"


def test_the_applicant_withdraws_from_the_detail_page(client, org, leave_request):
    login(client, org.engineer_a)
    page = client.get(reverse("leave:detail", args=[leave_request.pk]))
    assert page.context["can_withdraw"] and not page.context["can_decide"]
    client.post(reverse("leave:withdraw", args=[leave_request.pk]))
    assert Request.objects.get().status == "withdrawn"


def test_a_manager_assigns_cover_on_the_detail_page(client, org, leave_request, reserve):
    approve_step(leave_request, by=org.leader_a.user)
    login(client, org.manager_a)
    page = client.get(reverse("leave:detail", args=[leave_request.pk]))
    assert list(page.context["cover_form"].fields["cover"].queryset) == [reserve]
    client.post(reverse("leave:cover", args=[leave_request.pk]), {"cover": reserve.pk})
    assert Request.objects.get().cover == reserve
    login(client, org.engineer_a)  # the applicant may not
    assert client.post(reverse("leave:cover", args=[leave_request.pk])).status_code == 404


def test_notifications_inbox_marks_unread_and_reads_all(client, org, db):
    notify(
        org.engineer_a, event="test", title="Hello {name}", params={"name": "A"}, url="/requests/"
    )
    notify(org.engineer_b, event="test", title="Not yours")
    login(client, org.engineer_a)
    page = client.get(reverse("notifications:inbox"))
    assert [n.title for n in page.context["page"]] == ["Hello A"]
    assert 'data-unread="1"' in page.content.decode()
    nav = [str(item["label"]) for item in page.context["nav_items"]]
    assert any("1" in label for label in nav)  # 通知（1）
    note = Notification.objects.get(recipient=org.engineer_a)
    assert client.get(reverse("notifications:open", args=[note.pk]))["Location"] == "/requests/"
    other = Notification.objects.get(recipient=org.engineer_b)
    assert client.get(reverse("notifications:open", args=[other.pk])).status_code == 404
    notify(org.engineer_a, event="test", title="Second")
    client.post(reverse("notifications:read-all"))
    assert not Notification.objects.filter(recipient=org.engineer_a, read_at=None).exists()
