"""ATT-10: the daily arrival record (到岗记录) of resident staff at the client's service desk:
the rule's boundaries, the engineer's report and the client's confirmation (idempotent), the
desk page scoped to the client's own residents, the month page and the 考勤汇总表 columns."""

from datetime import date, datetime, timedelta
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from attendance import arrival_rules as ar
from attendance.arrival import arrival_months, confirm_arrival, report_arrival
from attendance.models import ArrivalRecord
from conftest import make_person
from core.errors import DomainError
from core.models import AuditEntry
from people.roles import EmploymentType, Role

TZ = ZoneInfo("Asia/Shanghai")
MONDAY = date(2026, 11, 23)  # a plain working Monday
NOW = "2026-11-23 08:27 +0800"


def t(hhmm: str, day: date = MONDAY, seconds: int = 0) -> datetime:
    h, m = (int(x) for x in hhmm.split(":"))
    return datetime(day.year, day.month, day.day, h, m, seconds, tzinfo=TZ)


SPLIT = [(t("08:30"), t("11:30")), (t("13:00"), t("17:00"))]
PLAIN = [(t("09:00"), t("17:30"))]
POLICY = ar.ArrivalPolicy()


def check(arrived=None, at=None, blocks=SPLIT, excused=(), policy=POLICY, kind="resident"):
    """The rule on Monday; `at` defaults to the evening, after the working day."""
    return ar.arrival_check(
        employment_type=kind,
        blocks=blocks,
        excused_halves=excused,
        arrived_at=arrived,
        at=at or t("18:00"),
        policy=policy,
    )


# --- the rule ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arrived", "state", "minutes"),
    [
        (t("08:00"), ar.ON_TIME, 0),
        (t("08:30"), ar.ON_TIME, 0),
        (t("08:30", seconds=59), ar.ON_TIME, 0),  # a started minute does not count (ATT-04)
        (t("08:31"), ar.LATE, 1),
        (t("09:15"), ar.LATE, 45),
    ],
)
def test_att10_an_arrival_is_late_after_the_schedule_start(arrived, state, minutes):
    result = check(arrived)
    assert (result.state, result.late_minutes, result.rule_id) == (state, minutes, "ATT-10")
    assert result.expected_at == t("08:30")


@pytest.mark.parametrize(("arrived", "state"), [(t("08:35"), ar.ON_TIME), (t("08:36"), ar.LATE)])
def test_att10_the_att04_grace_applies_to_arrivals(arrived, state):
    policy = ar.ArrivalPolicy(late_grace_minutes=5)
    assert check(arrived, policy=policy).state == state


@pytest.mark.parametrize(
    ("at", "state"),
    [
        (t("08:29"), ar.EXPECTED),
        (t("08:30"), ar.OVERDUE),
        (t("16:59"), ar.OVERDUE),
        (t("17:00"), ar.MISSING),  # the working day is over
    ],
)
def test_att10_without_a_record_the_day_is_expected_then_overdue_then_missing(at, state):
    assert check(None, at=at).state == state


@pytest.mark.parametrize(
    ("kwargs", "why"),
    [
        ({"kind": "own"}, "not resident"),
        ({"kind": "outsourced"}, "not resident"),
        ({"policy": ar.ArrivalPolicy(required=False)}, "switched off"),
        ({"blocks": []}, "rest day or holiday"),
        ({"excused": ("am", "pm")}, "on leave all day"),
    ],
)
def test_att10_no_record_is_needed(kwargs, why):
    assert check(None, **kwargs).state == ar.NOT_REQUIRED, why
    assert not check(None, **kwargs).counts_against


def test_att10_a_morning_off_moves_the_arrival_to_the_afternoon():
    assert check(t("12:59"), excused=("am",)).state == ar.ON_TIME
    assert check(t("13:01"), excused=("am",)).late_minutes == 1
    assert ar.expected_arrival(SPLIT, ("pm",)) == t("08:30")
    # One block: a morning off means arriving at the block's middle (13:15 of 09:00–17:30).
    assert ar.expected_arrival(PLAIN, ("am",)) == t("13:15")
    assert check(t("13:15"), blocks=PLAIN, excused=("am",)).state == ar.ON_TIME


def test_att10_the_month_counts_records_late_and_missing():
    month = ar.ArrivalMonth()
    for state in (ar.ON_TIME, ar.LATE, ar.MISSING, ar.OVERDUE, ar.NOT_REQUIRED, ar.EXPECTED):
        month.add(ar.ArrivalCheck(state))
    assert (month.required_days, month.recorded, month.late, month.missing) == (5, 2, 1, 1)


# --- services -----------------------------------------------------------------------------------


@pytest.fixture
def residents(org):
    resident = make_person(
        "resident_a",
        Role.ENGINEER,
        employer=org.own,
        unit=org.station_a,
        team=org.team_a,
        client=org.client,
        employment_type=EmploymentType.RESIDENT,
    )
    other = make_person(
        "resident_b",
        Role.ENGINEER,
        employer=org.own,
        unit=org.station_b,
        client=org.other_client,
        employment_type=EmploymentType.RESIDENT,
    )
    return resident, other


@pytest.fixture
def monday(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.mark.django_db
def test_att10_a_double_tap_keeps_one_record_and_one_audit_entry(org, residents):
    resident, _ = residents
    first, created = report_arrival(resident, by=resident.user, at=t("08:20"))
    again, created_again = report_arrival(resident, by=resident.user, at=t("08:21"))
    assert created and not created_again and again.pk == first.pk
    assert again.arrived_at == t("08:20") and again.source == ArrivalRecord.Source.SELF
    assert ArrivalRecord.objects.filter(person=resident).count() == 1
    assert AuditEntry.objects.filter(action="attendance.arrival.reported").count() == 1


@pytest.mark.django_db
def test_att10_only_resident_staff_keep_an_arrival_record(org):
    with pytest.raises(DomainError):
        report_arrival(org.engineer_a, by=org.engineer_a.user, at=t("08:20"))
    assert not ArrivalRecord.objects.exists()


@pytest.mark.django_db
def test_att10_the_client_confirms_a_report_once(org, residents):
    resident, _ = residents
    report_arrival(resident, by=resident.user, at=t("08:20"))
    record, changed = confirm_arrival(resident, by=org.client_pic.user, at=t("08:40"), note="ok")
    assert changed and record.confirmed_by == org.client_pic.user and record.desk_note == "ok"
    assert record.arrived_at == t("08:20")  # the engineer's time stays
    _record, changed_again = confirm_arrival(resident, by=org.client_pic.user, at=t("08:41"))
    assert not changed_again
    assert AuditEntry.objects.filter(action="attendance.arrival.confirmed").count() == 1


@pytest.mark.django_db
def test_att10_the_client_records_an_arrival_without_a_report(org, residents):
    resident, _ = residents
    record, created = confirm_arrival(resident, by=org.client_pic.user, at=t("08:45"))
    assert created and record.source == ArrivalRecord.Source.DESK and record.confirmed_at
    assert check(record.arrived_at).state == ar.LATE


@pytest.mark.django_db
def test_att10_a_month_of_a_resident_counts_missing_and_late_days(org, residents):
    resident, _ = residents
    report_arrival(resident, by=resident.user, at=t("08:20", date(2026, 11, 2)))
    report_arrival(resident, by=resident.user, at=t("08:50", date(2026, 11, 3)))
    months = arrival_months([resident, org.engineer_a], date(2026, 11, 1), at=t("08:27"))
    assert list(months) == [resident.pk]  # only residents
    month = months[resident.pk]
    # 2–20 November: 15 working days before Monday 23rd; 23rd itself not due yet at 08:27.
    assert (month.recorded, month.late, month.missing) == (2, 1, 13)


# --- pages --------------------------------------------------------------------------------------


def login(client, persona):
    client.force_login(persona.user)
    return client


@pytest.mark.django_db
def test_att10_the_phone_page_offers_the_arrival_button_to_residents_only(
    client, org, residents, monday
):
    resident, _ = residents
    body = login(client, resident).get(reverse("attendance:home")).content.decode()
    assert 'data-testid="arrival-button"' in body
    body = login(client, org.engineer_a).get(reverse("attendance:home")).content.decode()
    assert 'data-testid="arrival-button"' not in body
    assert (
        login(client, org.engineer_a).post(reverse("attendance:arrival-report")).status_code == 404
    )


@pytest.mark.django_db
def test_att10_reporting_twice_from_the_phone_keeps_one_record(client, org, residents, monday):
    resident, _ = residents
    login(client, resident)
    assert client.post(reverse("attendance:arrival-report")).status_code == 302
    assert client.post(reverse("attendance:arrival-report")).status_code == 302
    assert ArrivalRecord.objects.filter(person=resident).count() == 1
    body = client.get(reverse("attendance:home")).content.decode()
    assert 'data-testid="arrival-done"' in body and 'data-testid="arrival-button"' not in body


@pytest.mark.django_db
def test_att10_the_desk_page_lists_only_the_residents_of_the_pics_client(
    client, org, residents, monday
):
    resident, other = residents
    response = login(client, org.client_pic).get(reverse("attendance:desk"))
    assert response.status_code == 200
    body = response.content.decode()
    assert f'data-testid="desk-row-{resident.staff_no}"' in body
    assert f'data-testid="desk-row-{other.staff_no}"' not in body  # another client's resident
    assert org.engineer_a.name not in body  # not resident
    assert 'data-testid="confirm-arrival"' in body
    home = client.get(reverse("attendance:home")).content.decode()
    assert 'data-testid="desk-link"' in home  # the PIC finds the desk from the attendance page


@pytest.mark.django_db
def test_att10_staff_see_the_desk_read_only_and_engineers_not_at_all(
    client, org, residents, monday
):
    resident, other = residents
    body = login(client, org.ops).get(reverse("attendance:desk")).content.decode()
    assert resident.staff_no in body and other.staff_no in body
    assert 'data-testid="confirm-arrival"' not in body
    assert login(client, resident).get(reverse("attendance:desk")).status_code == 404
    assert login(client, org.vendor_contact).get(reverse("attendance:desk")).status_code == 404


@pytest.mark.django_db
def test_att10_the_pic_confirms_by_htmx_and_a_double_tap_changes_nothing(
    client, org, residents, monday
):
    resident, _ = residents
    login(client, org.client_pic)
    url = reverse("attendance:desk-confirm", args=[resident.pk])
    response = client.post(url, {"note": "在岗"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response.templates[0].name == "attendance/_desk_row.html"
    assert "在岗" in response.content.decode()
    assert client.post(url, HTTP_HX_REQUEST="true").status_code == 200
    record = ArrivalRecord.objects.get(person=resident)
    assert record.source == ArrivalRecord.Source.DESK and record.desk_note == "在岗"
    assert AuditEntry.objects.filter(action__startswith="attendance.arrival.").count() == 1


@pytest.mark.django_db
def test_att10_confirming_outside_ones_client_or_role_is_404(client, org, residents, monday):
    resident, other = residents
    login(client, org.client_pic)
    assert client.post(reverse("attendance:desk-confirm", args=[other.pk])).status_code == 404
    assert (
        client.post(reverse("attendance:desk-confirm", args=[org.engineer_a.pk])).status_code == 404
    )
    login(client, org.ops)  # sees every resident but is not the client's person in charge
    assert client.post(reverse("attendance:desk-confirm", args=[resident.pk])).status_code == 404
    assert not ArrivalRecord.objects.exists()


@pytest.mark.django_db
def test_att10_the_month_page_shows_the_arrival_days(client, org, residents, monday):
    resident, _ = residents
    report_arrival(resident, by=resident.user, at=t("08:50", date(2026, 11, 3)))
    url = reverse("attendance:person", kwargs={"pk": resident.pk, "month": date(2026, 11, 1)})
    response = login(client, org.client_pic).get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="arrival-summary"' in body and 'data-testid="arrivals"' in body
    assert response.context["arrival_month"].late == 1
    assert response.context["arrival_month"].missing == 14
    other_month = login(client, org.engineer_a).get(
        reverse("attendance:person", kwargs={"pk": org.engineer_a.pk, "month": date(2026, 11, 1)})
    )
    assert 'data-testid="arrival-summary"' not in other_month.content.decode()


@pytest.mark.django_db
def test_att10_the_summary_export_has_the_arrival_columns(client, org, residents, monday):
    resident, _ = residents
    for n in (2, 3):
        report_arrival(resident, by=resident.user, at=t("08:40", date(2026, 11, n)))
    url = reverse(
        "attendance:station-export",
        kwargs={"unit_pk": org.station_a.pk, "month": date(2026, 11, 1)},
    )
    response = login(client, org.manager_a).get(url)
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    heads = [
        sheet.cell(row=3, column=c).value or sheet.cell(row=2, column=c).value
        for c in range(1, sheet.max_column + 1)
    ]
    groups = {sheet.cell(row=2, column=c).value for c in range(1, sheet.max_column + 1)}
    assert "到岗记录(ATT-10)" in groups
    rows = {
        sheet.cell(row=r, column=1).value: {
            heads[c - 1]: sheet.cell(row=r, column=c).value for c in range(1, len(heads) + 1)
        }
        for r in range(4, sheet.max_row + 1)
    }
    assert (rows[resident.name]["到岗迟到次数"], rows[resident.name]["到岗缺记录次数"]) == (2, 13)
    assert rows[org.engineer_a.name]["到岗缺记录次数"] in (None, "")  # not resident


def test_att10_days_before_and_after_are_not_confused():
    """The day's end is the last block's end, not midnight: at 17:00 the record is missing."""
    assert check(None, at=t("17:00") - timedelta(seconds=1)).state == ar.OVERDUE


@pytest.mark.django_db
def test_att10_the_demo_arrivals_load_once(org, residents, monday):
    from attendance.demo import load_demo_arrivals

    created = load_demo_arrivals()
    # 2–20 November, 15 working days, two residents; every ninth (day + n) has no record.
    assert 0 < created < 30 and load_demo_arrivals() == 0
    months = arrival_months(list(residents), date(2026, 11, 1), at=t("08:27"))
    assert [(m.missing + m.recorded, bool(m.late)) for m in months.values()] == [(15, True)] * 2, (
        months
    )
    assert ArrivalRecord.objects.filter(confirmed_by=org.client_pic.user).exists()
