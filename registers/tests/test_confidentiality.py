"""SEC-01 confidentiality agreements (who has none), SEC-02 private devices and SEC-03 data
copy-out requests approved by the manager: services, pages, scoping."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import PASSWORD
from core.errors import DomainError, ValidationErrors
from core.models import AuditEntry
from notifications.models import Notification
from people.models import Person
from registers import rules
from registers.models import ConfidentialityAgreement, SecurityRequest
from registers.services_confidentiality import (
    decide_security_request,
    file_security_request,
    needs_agreement,
    record_agreement,
)
from registers.tests.conftest import local

pytestmark = pytest.mark.django_db


def pdf(name="保密协议.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4", content_type="application/pdf")


def login(client, person):
    assert client.login(username=person.user.username, password=PASSWORD)


def test_sec_01_rule_staff_at_a_client_sign():
    assert rules.must_sign_agreement(works_at_client=True, is_staff=True, active=True)
    assert not rules.must_sign_agreement(works_at_client=False, is_staff=True, active=True)
    assert not rules.must_sign_agreement(works_at_client=True, is_staff=False, active=True)


def test_who_has_no_agreement_SEC_01(org, settings, tmp_path, time_machine):
    settings.MEDIA_ROOT = tmp_path
    time_machine.move_to(local(2026, 11, 3, 10), tick=False)
    before = set(needs_agreement(Person.objects.all()))
    assert {org.engineer_a, org.vendor_engineer_a, org.outsider} <= before
    assert org.client_pic not in before and org.manager_a not in before
    with pytest.raises(ValidationErrors) as err:
        record_agreement(org.engineer_a, by=org.hr, signed_on=date(2026, 12, 1), upload=None)
    assert set(err.value.errors) == {"signed_on", "file"}
    assert not ConfidentialityAgreement.objects.exists()
    record_agreement(org.engineer_a, by=org.hr, signed_on=date(2026, 10, 8), upload=pdf())
    assert org.engineer_a not in set(needs_agreement(Person.objects.all()))


def test_agreements_page_lists_who_has_none_in_scope_SEC_01(client, org, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    login(client, org.manager_a)
    page = client.get(reverse("registers:agreements"))
    assert f'data-person="{org.engineer_a.pk}"' in page.text
    assert f'data-person="{org.outsider.pk}"' not in page.text  # station B
    answer = client.post(
        reverse("registers:agreements"),
        {"person": org.engineer_a.pk, "signed_on": "2026-10-08", "file": pdf()},
    )
    assert answer.status_code == 302
    agreement = ConfidentialityAgreement.objects.get()
    assert client.get(reverse("registers:agreement-file", args=[agreement.pk])).status_code == 200
    client.logout()
    login(client, org.engineer_a)
    assert client.get(reverse("registers:agreements")).status_code == 404


def test_private_device_request_goes_to_the_manager_SEC_02(org, time_machine):
    time_machine.move_to(local(2026, 11, 3, 10), tick=False)
    org.engineer_a.manager = org.manager_a
    org.engineer_a.save()
    req = file_security_request(
        org.engineer_a,
        by=org.engineer_a,
        kind="private_device",
        subject="个人笔记本",
        reason="调试",
    )
    assert req.approver == org.manager_a and req.rule_id == "SEC-02"
    assert Notification.objects.filter(recipient=org.manager_a).exists()
    with pytest.raises(DomainError):
        decide_security_request(req, by=org.engineer_a, approve=True)
    with pytest.raises(DomainError) as err:
        decide_security_request(req, by=org.manager_a, approve=False)
    assert err.value.field == "comment"
    decide_security_request(req, by=org.manager_a, approve=True, comment="不得接入内网")
    req.refresh_from_db()
    assert req.status == SecurityRequest.Status.APPROVED
    assert AuditEntry.objects.filter(action="registers.security_request.approved").exists()


def test_data_copy_request_falls_back_to_the_station_manager_SEC_03(org, time_machine):
    time_machine.move_to(local(2026, 11, 3, 10), tick=False)
    with pytest.raises(ValidationErrors):
        file_security_request(org.engineer_a, by=org.engineer_a, kind="usb", subject="", reason="")
    assert not SecurityRequest.objects.exists()
    req = file_security_request(
        org.engineer_a, by=org.engineer_a, kind="data_copy", subject="故障日志", reason="厂家分析"
    )
    assert req.approver == org.manager_a and req.rule_id == "SEC-03"
    with pytest.raises(DomainError):  # someone without a manager above him
        file_security_request(org.ops, by=org.ops, kind="data_copy", subject="x", reason="y")


def test_security_request_pages_and_scope_SEC_02_SEC_03(client, org, time_machine):
    time_machine.move_to(local(2026, 11, 3, 10), tick=False)
    login(client, org.engineer_a)
    bad = client.post(reverse("registers:security-requests"), {"kind": "data_copy"})
    assert bad.status_code == 400
    client.post(
        reverse("registers:security-requests"),
        {"kind": "data_copy", "subject": "故障日志", "reason": "厂家分析"},
    )
    req = SecurityRequest.objects.get()
    client.logout()
    login(client, org.outsider)
    url = reverse("registers:security-request-decide", args=[req.pk])
    assert client.post(url, {"decision": "approve"}).status_code == 404
    client.logout()
    login(client, org.manager_a)
    assert 'data-testid="to-decide"' in client.get(reverse("registers:security-requests")).text
    client.post(url, {"decision": "reject", "comment": "涉及用户数据"})
    req.refresh_from_db()
    assert req.status == SecurityRequest.Status.REJECTED


def test_api_security_requests_and_missing_agreements_SEC_01_SEC_02_SEC_03(api, org):
    missing = api(org.manager_a, "get", "/api/confidentiality/missing").json()
    assert org.engineer_a.pk in [p["id"] for p in missing["items"]]
    assert org.outsider.pk not in [p["id"] for p in missing["items"]]
    assert api(org.engineer_a, "get", "/api/confidentiality/missing").status_code == 403
    bad = api(
        org.engineer_a,
        "post",
        "/api/security-requests",
        json={"kind": "usb", "subject": "x", "reason": "y"},
    )
    assert bad.status_code == 422
    empty = api(
        org.engineer_a,
        "post",
        "/api/security-requests",
        json={"kind": "data_copy", "subject": " ", "reason": "y"},
    )
    assert empty.status_code == 400 and empty.json()["errors"][0]["field"] == "subject"
    made = api(
        org.engineer_a,
        "post",
        "/api/security-requests",
        json={"kind": "data_copy", "subject": "日志", "reason": "分析"},
    )
    assert made.status_code == 201 and made.json()["rule"] == "SEC-03"
    pk = made.json()["id"]
    assert (
        api(
            org.outsider, "post", f"/api/security-requests/{pk}/decide", json={"approve": True}
        ).status_code
        == 404
    )
    assert (
        api(
            org.engineer_a, "post", f"/api/security-requests/{pk}/decide", json={"approve": True}
        ).status_code
        == 400
    )
    waiting = api(org.manager_a, "get", "/api/security-requests", pending_for_me="true").json()
    assert [r["id"] for r in waiting["items"]] == [pk]
    decided = api(
        org.manager_a, "post", f"/api/security-requests/{pk}/decide", json={"approve": True}
    )
    assert decided.json()["status"] == "approved"
