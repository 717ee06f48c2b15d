"""Attendance pages: the one-tap punch for oneself, location consent (PIPL), a person's month
with each day's status and why, the station's summary, closing a month, proxy signings; every
page scoped (the outsider gets 404)."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from attendance.models import DayJudgement, DayStatus, MonthClose, ProxySigning, Punch
from attendance.services import record_punch
from attendance.tests.scenarios import OCTOBER, at, october
from core.models import AuditEntry

pytestmark = pytest.mark.django_db
TODAY = "2026-11-23 08:27 +0800"  # a Monday, today in these tests (2026-11-22 is a Sunday)


@pytest.fixture
def monday(time_machine):
    time_machine.move_to(TODAY, tick=False)


def login(client, persona):
    client.force_login(persona.user)
    return client


def person_url(person, month=OCTOBER):
    return reverse("attendance:person", kwargs={"pk": person.pk, "month": month})


def station_url(unit, month=OCTOBER, name="attendance:station"):
    return reverse(name, kwargs={"unit_pk": unit.pk, "month": month})


# --- the phone page ----------------------------------------------------------------------------


def test_the_phone_page_offers_sign_in_and_sets_a_device_cookie(client, org, monday):
    response = login(client, org.engineer_a).get(reverse("attendance:home"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="punch-button"' in body and response.context["signing_in"]
    assert response.cookies["crewdesk_device"].value
    assert response.cookies["crewdesk_device"]["httponly"]
    assert 'data-testid="consent-card"' in body  # asked once: not answered yet
    assert "attendance/punch.js" in body and "<script>" not in body and "style=" not in body


def test_a_tap_records_a_punch_for_oneself_only(client, org, monday):
    login(client, org.engineer_a)
    client.get(reverse("attendance:home"))  # sets the device cookie
    device = client.cookies["crewdesk_device"].value
    response = client.post(
        reverse("attendance:punch"),
        {"key": "k1", "person": org.vendor_engineer_a.pk, "person_id": org.vendor_engineer_a.pk},
        HTTP_USER_AGENT="Mozilla/5.0 (iPhone)",
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 302
    punch = Punch.objects.get()
    assert punch.person == org.engineer_a  # never the person named in the form
    assert (punch.source, punch.device, punch.user_agent, punch.ip) == (
        "app",
        device,
        "Mozilla/5.0 (iPhone)",
        "10.1.2.3",
    )
    assert punch.latitude is None  # no consent given
    # A double tap (same key) records one punch.
    client.post(reverse("attendance:punch"), {"key": "k1"})
    assert Punch.objects.count() == 1
    page = client.get(reverse("attendance:home"))
    assert "08:27:00" in page.content.decode() and not page.context["signing_in"]


def test_the_punch_judges_today_so_far(client, org, monday):
    login(client, org.engineer_a).post(reverse("attendance:punch"), {"key": "a"})  # 08:27
    stored = DayJudgement.objects.get(person=org.engineer_a, date=date(2026, 11, 23))
    assert stored.status == "absent"  # judged as a whole day: the afternoon has no punch yet
    today = client.get(reverse("attendance:home")).context["today_view"]
    # On the phone the day is in progress: the sign-outs and the afternoon are still to come.
    assert today.so_far and today.in_progress and today.status == ""
    assert [p["state"] for p in today.checkpoints] == ["done", "due", "due", "due"]
    assert "REQ-04" not in [r for r, _label in today.rules]


def test_today_turns_missing_once_a_sign_out_has_passed(client, org, time_machine):
    time_machine.move_to("2026-11-23 08:20 +0800", tick=False)
    login(client, org.engineer_a).post(reverse("attendance:punch"), {"key": "a"})
    time_machine.move_to("2026-11-23 17:30 +0800", tick=False)
    today = client.get(reverse("attendance:home")).context["today_view"]
    assert not today.in_progress and today.status == "absent"  # only the morning sign-in
    assert [p["state"] for p in today.checkpoints] == ["done", "missed", "missed", "missed"]


def test_lateness_counts_at_once(client, org, time_machine):
    time_machine.move_to("2026-11-23 08:45 +0800", tick=False)
    login(client, org.engineer_a).post(reverse("attendance:punch"), {"key": "a"})
    today = client.get(reverse("attendance:home")).context["today_view"]
    assert today.in_progress and today.status == "late" and today.judged.late_minutes == 15
    assert len(today.facts) == 1 and "15" in today.facts[0]  # nothing missing yet


def test_location_consent_is_asked_once_and_kept_only_when_allowed(client, org, monday):
    login(client, org.engineer_a)
    client.post(
        reverse("attendance:punch"), {"key": "1", "latitude": "22.5431", "longitude": "114.0579"}
    )
    assert Punch.objects.get().latitude is None
    client.post(reverse("attendance:consent"), {"consent": "allow"})
    org.engineer_a.refresh_from_db()
    assert org.engineer_a.location_consent is True
    assert AuditEntry.objects.filter(action="people.person.updated").exists()
    body = client.get(reverse("attendance:home")).content.decode()
    assert 'data-testid="consent-card"' not in body
    assert "data-geolocate" in body and 'name="latitude"' in body
    client.post(
        reverse("attendance:punch"), {"key": "2", "latitude": "22.5431", "longitude": "114.0579"}
    )
    assert Punch.objects.latest("pk").latitude == Decimal("22.543")
    client.post(reverse("attendance:consent"), {"consent": "deny"})
    org.engineer_a.refresh_from_db()
    assert org.engineer_a.location_consent is False
    assert "data-geolocate" not in client.get(reverse("attendance:home")).content.decode()


def test_a_bad_location_is_refused_without_a_punch(client, org, monday):
    login(client, org.engineer_a)
    client.post(reverse("attendance:consent"), {"consent": "allow"})
    client.post(reverse("attendance:punch"), {"key": "1", "latitude": "north"})
    assert not Punch.objects.exists()


def test_two_people_on_one_phone_are_flagged(client, org, monday):
    login(client, org.engineer_a).post(reverse("attendance:punch"), {"key": "1"})
    client.force_login(org.vendor_engineer_a.user)  # the same browser: same device cookie
    response = client.post(reverse("attendance:punch"), {"key": "2"}, follow=True)
    assert Punch.objects.filter(flagged=True).count() == 2
    assert "ATT-02" in response.content.decode()


def test_client_roles_cannot_punch(client, org, monday):
    login(client, org.client_pic)
    assert client.post(reverse("attendance:punch"), {"key": "1"}).status_code == 404
    assert "punch-button" not in client.get(reverse("attendance:home")).content.decode()


def test_a_superuser_without_a_person_sees_the_stations(client, org, admin_user, monday):
    response = client.force_login(admin_user) or client.get(reverse("attendance:home"))
    assert response.status_code == 200
    assert org.station_a in response.context["units"]


# --- a person's month --------------------------------------------------------------------------


def test_the_calendar_shows_each_day_with_status_rules_and_evidence(client, org, monday):
    october(org)
    response = login(client, org.manager_a).get(person_url(org.engineer_a))
    assert response.status_code == 200
    days = {d.date: d for d in response.context["days"]}
    late = days[date(2026, 10, 9)]
    assert (late.status, late.css, late.judged.late_minutes) == ("late", "st-late", 20)
    assert [r for r, _label in late.rules] == ["ATT-01", "ATT-04"]
    evidence = dict(late.evidence)
    assert "08:30–11:30, 13:00–17:00" in evidence.values()
    assert "08:50" in " ".join(evidence.values())
    holiday = days[date(2026, 10, 1)]
    assert (holiday.status, holiday.kind) == ("holiday", "holiday")
    leave = days[date(2026, 10, 16)]
    assert leave.status == "leave" and any("事假" in text for _l, text in leave.evidence)
    body = response.content.decode()
    assert 'data-testid="day-2026-10-09"' in body and "ATT-04" in body
    assert "st-absent" in body and 'data-testid="fines"' in body
    assert response.context["row"].summary.notice_level == "vendor_notice"
    assert 'data-testid="notice"' in body


def test_the_calendar_shows_a_correction_after_the_close(client, org, monday):
    october(org)
    from attendance.services import close_month

    close_month(org.station_a, month=OCTOBER, by=org.manager_a.user)
    for hhmm in ("08:30", "11:30", "13:00", "17:00"):
        record_punch(
            org.engineer_a, at=at(date(2026, 10, 22), hhmm), source="import", by=org.hr.user
        )
    response = login(client, org.engineer_a).get(person_url(org.engineer_a))
    day = next(d for d in response.context["days"] if d.date == date(2026, 10, 22))
    assert day.status == "absent" and day.locked
    assert [(c["field"], c["new"]) for c in day.correction] == [
        ("status", str(DayStatus.ON_TIME.label)),
        ("absent_days", "0"),
    ]
    body = response.content.decode()
    assert 'data-testid="correction"' in body and 'data-testid="closed"' in body


def test_days_not_judged_yet_are_shown_as_provisional(client, org, monday):
    response = login(client, org.engineer_a).get(person_url(org.engineer_a, date(2026, 11, 1)))
    days = {d.date: d for d in response.context["days"]}
    assert days[date(2026, 11, 2)].provisional and days[date(2026, 11, 2)].status == "absent"
    assert days[date(2026, 11, 23)].so_far
    assert days[date(2026, 11, 24)].future and not days[date(2026, 11, 24)].status
    assert not DayJudgement.objects.exists()  # showing never stores


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("engineer_a", 200),
        ("leader_a", 200),
        ("manager_a", 200),
        ("ops", 200),
        ("hr", 200),
        ("engineer_b", 404),  # the outsider
        ("vendor_engineer_a", 404),  # a colleague engineer sees only himself
    ],
)
def test_a_persons_month_is_scoped(client, org, persona, status, monday):
    response = login(client, getattr(org, persona)).get(person_url(org.engineer_a))
    assert response.status_code == status


def test_an_impossible_month_is_404(client, org, monday):
    login(client, org.engineer_a)
    assert client.get(f"/attendance/people/{org.engineer_a.pk}/2026-13/").status_code == 404
    assert client.get(f"/attendance/people/{org.engineer_a.pk}/1899-01/").status_code == 404


def test_the_current_month_redirects(client, org, monday):
    response = login(client, org.engineer_a).get(f"/attendance/people/{org.engineer_a.pk}/")
    assert response["Location"].endswith("/2026-11/")
    assert client.get(f"/attendance/people/{org.engineer_b.pk}/").status_code == 404


def test_a_judged_day_link_is_scoped(client, org, monday):
    october(org)
    login(client, org.engineer_a)
    url = reverse("attendance:day", kwargs={"pk": org.engineer_a.pk, "day": date(2026, 10, 9)})
    assert client.get(url)["Location"].endswith("/2026-10/#d09")
    client.force_login(org.engineer_b.user)
    assert client.get(url).status_code == 404


# --- a station's month ---------------------------------------------------------------------------


def test_the_station_page_has_a_row_per_person_with_dingtalk_columns(client, org, monday):
    october(org)
    response = login(client, org.manager_a).get(station_url(org.station_a))
    assert response.status_code == 200
    body = response.content.decode()
    for name in (
        "应出勤天数",
        "迟到次数",
        "严重迟到时长",
        "上班缺卡次数",
        "旷工天数",
        "补卡次数",
        "罚款合计",
        "通报级别",
    ):
        assert name in body
    people = [r["row"].person for r in response.context["rows"]]
    assert org.engineer_a in people and org.engineer_b not in people
    assert person_url(org.engineer_a) in body
    assert 'data-testid="export"' in body and 'data-testid="close-form"' in body
    assert 'data-testid="proxy-form"' in body


def test_the_station_page_lists_flagged_punches(client, org, monday):
    for person in (org.engineer_a, org.vendor_engineer_a):
        record_punch(
            person,
            at=at(date(2026, 11, 23), "08:20"),
            source="app",
            by=person.user,
            device="phone-1",
        )
    body = (
        login(client, org.leader_a)
        .get(station_url(org.station_a, date(2026, 11, 1)))
        .content.decode()
    )
    assert 'data-testid="flagged"' in body
    assert body.count("ATT-02") >= 4  # both punches with their reason, the headings


@pytest.mark.parametrize(
    ("persona", "status"),
    [("manager_a", 200), ("ops", 200), ("engineer_b", 404), ("client_pic", 200)],
)
def test_the_station_page_is_scoped(client, org, persona, status, monday):
    october(org)
    response = login(client, getattr(org, persona)).get(station_url(org.station_a))
    assert response.status_code == status
    if persona == "client_pic":  # sees the staff serving his company, not the others
        people = {r["row"].person for r in response.context["rows"]}
        assert people == {org.engineer_a, org.vendor_engineer_a}


def test_engineers_see_only_themselves_and_no_close_or_proxy_form(client, org, monday):
    october(org)
    response = login(client, org.engineer_a).get(station_url(org.station_a))
    assert [r["row"].person for r in response.context["rows"]] == [org.engineer_a]
    body = response.content.decode()
    assert "close-form" not in body and "proxy-form" not in body
    assert (
        client.post(
            station_url(org.station_a, name="attendance:station-close"), {"confirm": "on"}
        ).status_code
        == 404
    )
    assert not MonthClose.objects.exists()


def test_the_station_manager_closes_the_month(client, org, monday):
    october(org)
    login(client, org.manager_a)
    url = station_url(org.station_a, name="attendance:station-close")
    client.post(url, {})  # not confirmed
    assert not MonthClose.objects.exists()
    response = client.post(url, {"confirm": "on"}, follow=True)
    assert MonthClose.objects.filter(unit=org.station_a, month=OCTOBER).exists()
    assert (
        DayJudgement.objects.filter(person=org.engineer_a, date__month=10, locked=True).count()
        == 31
    )
    body = response.content.decode()
    assert 'data-testid="closed"' in body and "close-form" not in body
    # Closing again, or a month not ended, is refused with a message.
    client.post(url, {"confirm": "on"})
    november = station_url(org.station_a, date(2026, 11, 1), name="attendance:station-close")
    response = client.post(november, {"confirm": "on"}, follow=True)
    assert MonthClose.objects.count() == 1
    assert "msg-error" in response.content.decode()


def test_another_stations_manager_cannot_close(client, org, monday):
    login(client, org.manager_a)
    url = station_url(org.station_b, name="attendance:station-close")
    assert client.post(url, {"confirm": "on"}).status_code == 404


def test_a_supervisor_records_a_proxy_signing(client, org, monday):
    october(org)
    login(client, org.leader_a)
    url = station_url(org.station_a, name="attendance:station-proxy")
    day = date(2026, 10, 8)
    response = client.post(
        url,
        {
            "signer": org.engineer_a.pk,
            "signee": org.vendor_engineer_a.pk,
            "date": day,
            "note": "seen on camera",
        },
    )
    assert response.status_code == 302
    assert ProxySigning.objects.filter(
        signer=org.engineer_a, signee=org.vendor_engineer_a, date=day
    ).exists()
    for person in (org.engineer_a, org.vendor_engineer_a):
        j = DayJudgement.objects.get(person=person, date=day)
        assert j.status == "absent" and "ATT-02" in j.rule_ids
    body = client.get(station_url(org.station_a)).content.decode()
    assert 'data-testid="proxies"' in body and "seen on camera" in body


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"signee": "same"}, "signee"),  # the same person twice
        ({"date": "2026-12-01"}, "date"),  # a future day
        ({"signer": "outsider"}, "signer"),  # somebody out of scope
    ],
)
def test_a_wrong_proxy_signing_is_refused_per_field(client, org, monday, data, field):
    login(client, org.manager_a)
    values = {"signer": org.engineer_a.pk, "signee": org.vendor_engineer_a.pk, "date": "2026-11-20"}
    values |= {k: v for k, v in data.items() if v not in {"same", "outsider"}}
    if data.get("signee") == "same":
        values["signee"] = org.engineer_a.pk
    if data.get("signer") == "outsider":
        values["signer"] = org.engineer_b.pk
    response = client.post(
        station_url(org.station_a, date(2026, 11, 1), name="attendance:station-proxy"), values
    )
    assert response.status_code == 400
    assert field in response.context["proxy_form"].errors
    assert not ProxySigning.objects.exists()


def test_engineers_cannot_record_a_proxy_signing(client, org, monday):
    login(client, org.engineer_a)
    url = station_url(org.station_a, name="attendance:station-proxy")
    values = {"signer": org.engineer_a.pk, "signee": org.vendor_engineer_a.pk, "date": "2026-10-08"}
    assert client.post(url, values).status_code == 404


def test_the_export_button_returns_an_xlsx(client, org, monday):
    october(org)
    response = login(client, org.manager_a).get(
        station_url(org.station_a, name="attendance:station-export")
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content)[:2] == b"PK"
    client.force_login(org.engineer_b.user)
    assert (
        client.get(station_url(org.station_a, name="attendance:station-export")).status_code == 404
    )


# --- navigation and the home page ------------------------------------------------------------------


def test_attendance_is_in_the_navigation(client, org, monday):
    urls = [
        i["url"] for i in login(client, org.engineer_a).get(reverse("home")).context["nav_items"]
    ]
    assert reverse("attendance:home") in urls


@pytest.mark.parametrize(
    ("persona", "warned"),
    [("ops", True), ("hr", True), ("engineer_a", False), ("manager_a", False)],
)
def test_the_home_page_warns_of_a_missing_calendar_year(client, org, persona, warned, time_machine):
    time_machine.move_to("2026-11-22 10:00 +0800", tick=False)
    body = login(client, getattr(org, persona)).get(reverse("home")).content.decode()
    assert ('data-testid="calendar-warning"' in body) is warned
    if warned:
        assert "2027" in body


def test_the_warning_goes_once_the_year_is_entered(client, org, time_machine):
    from core.models import CalendarDay

    time_machine.move_to("2026-11-22 10:00 +0800", tick=False)
    for day in (1, 2, 3, 4, 5, 6):
        CalendarDay.objects.create(date=date(2027, 1, day), kind="rest")
    body = login(client, org.ops).get(reverse("home")).content.decode()
    assert 'data-testid="calendar-warning"' not in body


# --- master data -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "model",
    [
        "attendance/shifttemplate",
        "attendance/scheduleassignment",
        "attendance/rosterday",
        "attendance/proxysigning",
        "attendance/monthclose",
        "core/calendarday",
    ],
)
def test_the_admin_lists_attendance_master_data(admin_client, model):
    assert admin_client.get(f"/admin/{model}/").status_code == 200


def test_an_admin_enters_a_calendar_day_and_it_is_audited(admin_client, org):
    from core.models import CalendarDay

    response = admin_client.post(
        "/admin/core/calendarday/add/", {"date": "2027-01-01", "kind": "holiday", "name": "元旦"}
    )
    assert response.status_code == 302
    assert CalendarDay.objects.get().kind == "holiday"
    assert AuditEntry.objects.filter(action="admin.calendarday.created").exists()


def test_proxy_signings_and_closed_months_are_read_only_in_the_admin(admin_client, org):
    assert admin_client.get("/admin/attendance/proxysigning/add/").status_code == 403
    assert admin_client.get("/admin/attendance/monthclose/add/").status_code == 403


def test_a_split_shift_template_is_validated_in_the_admin(admin_client, org):
    response = admin_client.post(
        "/admin/attendance/shifttemplate/add/",
        {"name": "分段", "kind": "split", "blocks": '[["08:30", "11:30"], ["11:00", "17:00"]]'},
    )
    assert response.status_code == 200 and response.context["adminform"].errors
    response = admin_client.post(
        "/admin/attendance/shifttemplate/add/",
        {"name": "分段", "kind": "split", "blocks": '[["08:30", "11:30"], ["13:00", "17:00"]]'},
    )
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="admin.shifttemplate.created").exists()
