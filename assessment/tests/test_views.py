"""Assessment pages (KPI-11): the engineer's month and objections, the ledger scoped by role,
the objections inbox, findings by hand (KPI-05, BEH-03) and the decisions page (KPI-08)."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessment import services
from assessment.models import Decision, Entry, Objection, ObjectionAttachment
from attendance.exports import notice_label
from attendance.models import DayJudgement
from core.models import AuditEntry
from workorders.models import Breach
from workorders.tests.factories import repair_order

SH = ZoneInfo("Asia/Shanghai")
NOV = date(2026, 11, 1)
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=SH)


@pytest.fixture(autouse=True)
def now(time_machine):
    time_machine.move_to(NOW, tick=False)
    return time_machine


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def login(client, person):
    """Logged in, reading the English pages (the messages below are the msgids)."""
    client.force_login(person.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def finding(org, rule_id="KPI-05", person=None, by=None):
    return services.add_manual_entry(
        person or org.engineer_a,
        month=NOV,
        rule_id=rule_id,
        by=by or org.ops,
        evidence_text="no work badge at the install",
    )


def breach_entry(org):
    order = repair_order(org)
    due = datetime(2026, 11, 10, 9, 0, tzinfo=SH)
    Breach.objects.create(
        order=order,
        rule_id="WO-01",
        kind="missed",
        person=org.engineer_a,
        due_at=due,
        recorded_at=due,
    )
    services.generate_entries(NOV)
    return Entry.objects.get(source=Entry.Source.BREACH), order


ME = "/assessment/me/"


# --- the engineer's month -------------------------------------------------------------------------


def test_KPI_11_the_engineer_sees_his_month_with_rule_evidence_points_and_fines(org, client):
    entry, order = breach_entry(org)
    badge = finding(org)
    finding(org, person=org.engineer_b, by=org.ops)  # someone else's

    page = login(client, org.engineer_a).get(ME, {"month": "2026-11"})

    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="month-fines">100.00<' in html
    assert f'data-testid="entry-{entry.pk}"' in html and f'data-testid="entry-{badge.pk}"' in html
    assert reverse("workorders:detail", args=[order.pk]) in html  # why: the order's breach
    assert "no work badge at the install" in html
    assert "KPI-02" in html and "KPI-05" in html
    assert f'data-testid="object-{entry.pk}"' in html
    assert 'data-testid="points-left">2<' in html  # 3 - 0.5 - 0.5
    assert len([p for p in page.context["rows"]]) == 2


def test_KPI_11_the_month_leaves_withdrawn_entries_out_of_the_fines(org, client):
    kept, gone = finding(org), finding(org)
    objection = services.file_objection(gone, by=org.engineer_a, text="badge was on")
    services.decide_objection(objection, by=org.ops, upheld=False, reason="photo shows it")

    page = login(client, org.engineer_a).get(ME, {"month": "2026-11"})

    assert page.context["view"].fine == Decimal("50.00")
    assert f'data-testid="object-{kept.pk}"' in page.content.decode()
    assert f'data-testid="object-{gone.pk}"' not in page.content.decode()


def test_ATT_03_the_month_shows_the_attendance_notice_level(org, client):
    for day in (2, 3, 4, 5):  # four early leaves: more than 3 → notice to the vendor company
        DayJudgement.objects.create(
            person=org.engineer_a,
            date=date(2026, 11, day),
            status="early",
            workday=True,
            early_count=1,
            early_minutes=5,
            computed_at=NOW,
        )

    page = login(client, org.engineer_a).get(ME, {"month": "2026-11"})

    assert page.context["view"].notice_level == "vendor_notice"
    label = notice_label("vendor_notice")
    assert f'data-testid="notice-level">{label}<' in page.content.decode()


def test_the_assessment_group_reads_a_persons_month_but_the_outsider_gets_404(org, client):
    finding(org)
    assert login(client, org.manager_a).get(ME, {"person": org.engineer_a.pk}).status_code == 200
    assert login(client, org.outsider).get(ME, {"person": org.engineer_a.pk}).status_code == 404


# --- objections -----------------------------------------------------------------------------------


def test_KPI_11_the_engineer_files_an_objection_with_an_attachment(org, client):
    entry = finding(org)
    photo = SimpleUploadedFile("badge.jpg", b"\xff\xd8\xff jpeg", content_type="image/jpeg")

    response = login(client, org.engineer_a).post(
        f"/assessment/entries/{entry.pk}/object/",
        {"text": "I wore my badge; photo attached", "attachments": [photo]},
    )

    assert response.status_code == 302
    objection = Objection.objects.get()
    assert objection.text == "I wore my badge; photo attached"
    [attachment] = objection.attachments.all()
    assert attachment.name == "badge.jpg" and attachment.file.name.startswith("objections/2026/11/")
    entry.refresh_from_db()
    assert entry.state == Entry.State.OBJECTED
    url = f"/assessment/attachments/{attachment.pk}/"
    assert login(client, org.ops).get(url).status_code == 200
    assert login(client, org.outsider).get(url).status_code == 404


def test_KPI_11_an_objection_after_the_window_is_refused_and_nothing_stored(org, client, now):
    entry = finding(org)
    now.move_to(NOW + timedelta(days=8))
    page = login(client, org.engineer_a).get(ME, {"month": "2026-11"})
    assert f'data-testid="object-{entry.pk}"' not in page.content.decode()

    response = client.post(f"/assessment/entries/{entry.pk}/object/", {"text": "too late?"})

    assert response.status_code == 200
    assert "The objection window of 7 days has passed." in response.content.decode()
    assert not Objection.objects.exists()
    entry.refresh_from_db()
    assert entry.state == Entry.State.PROPOSED


@pytest.mark.parametrize("who", ["manager_a", "engineer_b"])
def test_KPI_11_only_the_assessed_person_gets_the_objection_form(org, client, who):
    entry = finding(org)
    assert (
        login(client, getattr(org, who)).get(f"/assessment/entries/{entry.pk}/object/").status_code
        == 404
    )


def test_KPI_11_the_group_withdraws_an_objected_entry_with_a_reason(org, client):
    entry = finding(org)
    objection = services.file_objection(entry, by=org.engineer_a, text="badge was on")
    page = login(client, org.ops).get("/assessment/objections/")
    assert f'data-testid="withdraw-{objection.pk}"' in page.content.decode()

    client.post(
        f"/assessment/objections/{objection.pk}/decide/", {"outcome": "withdraw", "reason": ""}
    )
    entry.refresh_from_db()
    assert entry.state == Entry.State.OBJECTED  # a reason is needed

    client.post(
        f"/assessment/objections/{objection.pk}/decide/",
        {"outcome": "withdraw", "reason": "photo shows the badge"},
    )
    entry.refresh_from_db()
    assert entry.state == Entry.State.WITHDRAWN
    assert Objection.objects.get().reason == "photo shows the badge"


@pytest.mark.parametrize("who", ["engineer_a", "leader_a", "cs"])
def test_the_objections_inbox_is_the_assessment_groups(org, client, who):
    assert login(client, getattr(org, who)).get("/assessment/objections/").status_code == 404


# --- ledger ---------------------------------------------------------------------------------------


def test_the_ledger_is_scoped_and_filtered(org, client):
    mine = finding(org)
    theirs = finding(org, person=org.engineer_b)
    other_rule = finding(org, "KPI-06")

    engineer = login(client, org.engineer_a).get("/assessment/")
    assert {r["entry"].pk for r in engineer.context["rows"]} == {mine.pk, other_rule.pk}
    assert login(client, org.engineer_a).get(f"/assessment/entries/{theirs.pk}/").status_code == 404

    ops = login(client, org.ops)
    assert len(ops.get("/assessment/").context["rows"]) == 3
    by_station = ops.get("/assessment/", {"station": org.station_b.pk, "month": "2026-11"})
    assert [r["entry"].pk for r in by_station.context["rows"]] == [theirs.pk]
    by_rule = ops.get("/assessment/", {"rule": "KPI-06", "person": org.engineer_a.pk})
    assert [r["entry"].pk for r in by_rule.context["rows"]] == [other_rule.pk]
    assert ops.get("/assessment/", {"state": "withdrawn"}).context["rows"] == []
    assert ops.get("/assessment/", {"month": "2026-10"}).context["rows"] == []
    assert ops.get(f"/assessment/entries/{theirs.pk}/").status_code == 200


# --- findings by hand -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule_id", "evidence", "field", "message"),
    [
        ("", "no badge", "rule_id", "Cite the rule the finding breaks."),
        ("KPI-05", "", "evidence_text", "Describe the evidence the finding rests on."),
        ("KPI-01", "late", "rule_id", "Rule KPI-01 cannot be recorded by hand."),
        ("BEH-03", "phone off", "person", "BEH-03 applies to group leaders and above only."),
        ("KPI-06", "complained", "rule_id", "Rule KPI-06 cannot be recorded by hand."),  # CB-04
    ],
)
def test_KPI_05_BEH_03_a_finding_without_rule_or_evidence_shows_a_field_error(
    org, client, rule_id, evidence, field, message
):
    response = login(client, org.manager_a).post(
        "/assessment/manual/",
        {
            "person": org.engineer_a.pk,
            "month": "2026-11",
            "rule_id": rule_id,
            "evidence_text": evidence,
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert f'data-field="{field}"' in response.content.decode()
    assert not Entry.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="assessment.").exists()


def test_BEH_03_a_phone_off_finding_for_a_group_leader(org, client):
    response = login(client, org.manager_a).post(
        "/assessment/manual/",
        {
            "person": org.leader_a.pk,
            "month": "2026-11",
            "rule_id": "BEH-03",
            "evidence_text": "phone off at 23:10, fault call missed",
        },
    )

    entry = Entry.objects.get()
    assert response.status_code == 302 and response.url == f"/assessment/entries/{entry.pk}/"
    assert (entry.rule_id, entry.fine, entry.person) == ("BEH-03", Decimal("100"), org.leader_a)


@pytest.mark.parametrize("who", ["engineer_a", "leader_a", "client_pic"])
def test_findings_by_hand_are_the_assessment_groups(org, client, who):
    assert login(client, getattr(org, who)).get("/assessment/manual/").status_code == 404


# --- decisions ------------------------------------------------------------------------------------


@pytest.fixture
def separation(org):
    for rule in ("KPI-05", "KPI-05", "KPI-06"):  # 0.5 + 0.5 + 1 = 2 points (KPI-08)
        finding(org, rule)
    services.evaluate_thresholds(NOV)
    return Decision.objects.get()


def test_KPI_08_hr_confirms_a_separation_on_the_decisions_page(org, client, separation):
    page = login(client, org.hr).get("/assessment/decisions/")
    html = page.content.decode()
    assert f'data-testid="confirm-{separation.pk}"' in html
    assert all(f"/assessment/entries/{e.pk}/" in html for e in separation.entries.all())

    client.post(f"/assessment/decisions/{separation.pk}/decide/", {"action": "confirm"})

    separation.refresh_from_db()
    assert separation.state == Decision.State.CONFIRMED


def test_KPI_08_a_station_manager_sees_but_does_not_decide(org, client, separation):
    page = login(client, org.manager_a).get("/assessment/decisions/")
    assert f'data-testid="decision-{separation.pk}"' in page.content.decode()
    assert f'data-testid="confirm-{separation.pk}"' not in page.content.decode()

    client.post(f"/assessment/decisions/{separation.pk}/decide/", {"action": "confirm"})

    separation.refresh_from_db()
    assert separation.state == Decision.State.PROPOSED
    assert login(client, org.engineer_a).get("/assessment/decisions/").status_code == 404


def test_KPI_08_rejecting_needs_a_reason(org, client, separation):
    login(client, org.ops).post(
        f"/assessment/decisions/{separation.pk}/decide/", {"action": "reject", "note": ""}
    )
    separation.refresh_from_db()
    assert separation.state == Decision.State.PROPOSED
    client.post(
        f"/assessment/decisions/{separation.pk}/decide/",
        {"action": "reject", "note": "objection pending"},
    )
    separation.refresh_from_db()
    assert separation.state == Decision.State.REJECTED


def test_objection_attachments_are_refused_when_not_a_photo_or_pdf(org, client):
    entry = finding(org)
    bad = SimpleUploadedFile("script.exe", b"MZ", content_type="application/octet-stream")

    response = login(client, org.engineer_a).post(
        f"/assessment/entries/{entry.pk}/object/", {"text": "see file", "attachments": [bad]}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["attachments"]
    assert not Objection.objects.exists() and not ObjectionAttachment.objects.exists()


def test_KPI_11_the_entry_page_shows_why_and_the_history_and_lets_the_group_confirm(org, client):
    entry = finding(org)
    own = login(client, org.engineer_a).get(f"/assessment/entries/{entry.pk}/")
    assert f'data-testid="object-{entry.pk}"' in own.content.decode()
    assert 'data-testid="confirm-entry"' not in own.content.decode()
    assert "no work badge at the install" in own.content.decode()

    manager = login(client, org.manager_a)
    page = manager.get(f"/assessment/entries/{entry.pk}/")
    assert f'data-testid="object-{entry.pk}"' not in page.content.decode()
    manager.post(f"/assessment/entries/{entry.pk}/confirm/")

    entry.refresh_from_db()
    assert entry.state == Entry.State.CONFIRMED
    history = [h.action for h in manager.get(f"/assessment/entries/{entry.pk}/").context["history"]]
    assert history == ["assessment.entry.created", "assessment.entry.confirmed"]
    assert login(client, org.outsider).get(f"/assessment/entries/{entry.pk}/").status_code == 404
