"""REQ-06: personal leave (事假) deducts pay for the time taken, pro rata: the pure rule (half
days, holidays inside the leave, the month's working days), the person-months from approved
requests and schedules, the month page (with the wage when recorded) and the 考勤汇总表."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from core.models import PolicyVersion
from leave.deduction import deduction_amount, personal_leave_months
from leave.models import Request
from leave.rules import Period, leave_halves, personal_leave_deduction

TZ = ZoneInfo("Asia/Shanghai")
NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))  # 21 working days, no holiday
OCTOBER = (date(2026, 10, 1), date(2026, 10, 31))
# October 2026: National Day 1–7 October off, Saturday 10 October an adjusted working day.
OCTOBER_OFF = {date(2026, 10, n) for n in range(1, 8)}


def weekdays(day: date) -> bool:
    return day.weekday() < 5


def cn_october(day: date) -> bool:
    return day == date(2026, 10, 10) or (weekdays(day) and day not in OCTOBER_OFF)


def split_hours(_day: date, half: str) -> Decimal:
    return Decimal(3) if half == "am" else Decimal(4)  # 08:30–11:30, 13:00–17:00


def deduct(*periods, month=NOVEMBER, is_workday=weekdays, pro_rata=True):
    return personal_leave_deduction(
        periods, *month, is_workday=is_workday, half_hours=split_hours, pro_rata=pro_rata
    )


def d(n: int, month: int = 11) -> date:
    return date(2026, month, n)


# --- the rule ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "days", "hours"),
    [
        (Period(d(17), d(17)), Decimal("1"), Decimal("7")),
        (Period(d(17), d(17), "am", "am"), Decimal("0.5"), Decimal("3")),
        (Period(d(17), d(17), "pm", "pm"), Decimal("0.5"), Decimal("4")),
        (Period(d(17), d(18), "pm", "am"), Decimal("1"), Decimal("7")),  # two half days
        (Period(d(16), d(20), "pm", "pm"), Decimal("4.5"), Decimal("32")),
        (Period(d(20), d(23)), Decimal("2"), Decimal("14")),  # Fri to Mon: the weekend is not taken
        (Period(d(21), d(22)), Decimal("0"), Decimal("0")),  # a weekend only
    ],
)
def test_req06_days_and_hours_count_half_days_on_working_days(period, days, hours):
    result = deduct(period)
    assert (result.days, result.hours, result.working_days) == (days, hours, 21)
    assert result.share == (days / 21).quantize(Decimal("0.0001"))
    assert result.rule_id == "REQ-06"


def test_req06_holidays_inside_the_leave_are_not_counted():
    # 30 September to 9 October: only 8 and 9 October are working days of October.
    result = deduct(Period(d(30, 9), d(9, 10)), month=OCTOBER, is_workday=cn_october)
    assert (result.days, result.working_days) == (Decimal("2"), 18)
    assert result.share == Decimal("0.1111")
    # The adjusted working Saturday inside a leave is taken from work.
    assert deduct(Period(d(9, 10), d(11, 10)), month=OCTOBER, is_workday=cn_october).days == 2


def test_req06_only_the_months_part_of_a_leave_counts():
    assert deduct(Period(d(29, 10), d(3, 11))).days == Decimal("2")  # 2 and 3 November


def test_req06_overlapping_requests_are_counted_once():
    assert deduct(Period(d(17), d(18)), Period(d(18), d(18), "am", "am")).days == Decimal("2")


def test_req06_without_pro_rata_the_days_are_shown_and_nothing_is_deducted():
    result = deduct(Period(d(17), d(17)), pro_rata=False)
    assert (result.days, result.share) == (Decimal("1"), Decimal("0"))


def test_req06_the_share_is_at_most_the_whole_month_and_zero_without_leave():
    assert deduct(Period(d(1), d(30))).share == Decimal("1")
    assert deduct().share == Decimal("0") and deduct().days == 0


@pytest.mark.parametrize(
    ("wage", "share", "amount"),
    [
        (Decimal("6300"), Decimal("0.0476"), Decimal("299.88")),
        (Decimal("5000"), Decimal("0"), Decimal("0.00")),
        (None, Decimal("0.5"), None),
    ],
)
def test_req06_the_amount_is_the_wage_times_the_share(wage, share, amount):
    assert deduction_amount(wage, share) == amount


# --- from the requests -------------------------------------------------------------------------


def approved(person, leave_type, start, end, start_half="am", end_half="pm", status=None):
    return Request.objects.create(
        person=person,
        kind=Request.Kind.LEAVE,
        leave_type=leave_type,
        status=status or Request.Status.APPROVED,
        start_date=start,
        end_date=end,
        start_half=start_half,
        end_half=end_half,
        reason="test",
        created_at=datetime(2026, 11, 1, 9, tzinfo=TZ),
    )


@pytest.fixture
def november(org, types_):
    me = org.engineer_a
    approved(me, types_.personal, d(17), d(17))
    approved(me, types_.personal, d(19), d(19), "pm", "pm")
    approved(me, types_.sick, d(18), d(18))  # sick leave: not deducted
    approved(me, types_.personal, d(24), d(24), status=Request.Status.PENDING)  # not approved
    approved(org.vendor_engineer_a, types_.sick, d(20), d(20))
    return me


@pytest.mark.django_db
def test_req06_personal_leave_is_deducted_and_sick_leave_not(org, november):
    months = personal_leave_months([org.engineer_a, org.vendor_engineer_a, org.leader_a], d(1))
    assert list(months) == [org.engineer_a.pk]  # sick leave and no leave: nothing deducted
    result = months[org.engineer_a.pk]
    # Default split shift 08:30–11:30 + 13:00–17:00: 7 h a day, an afternoon 4 h.
    assert (result.days, result.hours, result.working_days) == (Decimal("1.5"), Decimal("11"), 21)
    assert result.share == Decimal("0.0714")


@pytest.mark.django_db
def test_req06_the_chinese_calendar_decides_the_working_days(org, types_):
    approved(org.engineer_a, types_.personal, d(30, 9), d(9, 10))
    result = personal_leave_months([org.engineer_a], d(1, 10))[org.engineer_a.pk]
    assert (result.days, result.working_days) == (Decimal("2"), 18)


@pytest.mark.django_db
def test_req06_the_policy_switch_turns_the_deduction_off(org, november):
    PolicyVersion.objects.create(
        company=org.client,  # engineer_a serves this client: its policy applies
        effective_from=date(2026, 1, 1),
        values={"req.personal_leave_pro_rata": False},
        created_at=datetime(2026, 1, 1, tzinfo=TZ),
    )
    result = personal_leave_months([org.engineer_a], d(1))[org.engineer_a.pk]
    assert (result.days, result.share) == (Decimal("1.5"), Decimal("0"))


# --- pages --------------------------------------------------------------------------------------


def month_url(person):
    return reverse("attendance:person", kwargs={"pk": person.pk, "month": d(1)})


@pytest.fixture
def wage(org):
    from statements.models import WageRecord

    return WageRecord.objects.create(
        person=org.engineer_a,
        monthly_wage=Decimal("6300"),
        effective_from=date(2026, 1, 1),
        recorded_at=datetime(2026, 1, 1, tzinfo=TZ),
    )


@pytest.mark.django_db
def test_req06_the_month_page_shows_the_share_and_the_amount_to_the_person(
    client, org, november, wage, time_machine
):
    time_machine.move_to(datetime(2026, 11, 23, 9, tzinfo=TZ), tick=False)
    client.force_login(org.engineer_a.user)
    response = client.get(month_url(org.engineer_a))
    body = response.content.decode()
    assert response.context["personal_leave"].days == Decimal("1.5")
    assert 'data-testid="deduction-share"' in body and "7.14%" in body
    # 6300 × 0.0714 = 449.82
    assert response.context["deduction_amount"] == Decimal("449.82")
    assert 'data-testid="deduction-amount"' in body and "449.82" in body


@pytest.mark.django_db
def test_req06_the_client_does_not_see_the_wage_amount(client, org, november, wage, time_machine):
    time_machine.move_to(datetime(2026, 11, 23, 9, tzinfo=TZ), tick=False)
    client.force_login(org.client_pic.user)
    response = client.get(month_url(org.engineer_a))
    assert response.status_code == 200
    assert response.context["deduction_amount"] is None
    assert 'data-testid="deduction-amount"' not in response.content.decode()
    assert 'data-testid="deduction-share"' in response.content.decode()


@pytest.mark.django_db
def test_req06_the_summary_export_has_personal_leave_and_the_share(
    client, org, november, time_machine
):
    time_machine.move_to(datetime(2026, 11, 23, 9, tzinfo=TZ), tick=False)
    client.force_login(org.manager_a.user)
    url = reverse("attendance:station-export", kwargs={"unit_pk": org.station_a.pk, "month": d(1)})
    sheet = load_workbook(BytesIO(b"".join(client.get(url).streaming_content))).active
    heads = [
        sheet.cell(row=3, column=c).value or sheet.cell(row=2, column=c).value
        for c in range(1, sheet.max_column + 1)
    ]
    rows = {
        sheet.cell(row=r, column=1).value: {
            heads[c - 1]: sheet.cell(row=r, column=c).value for c in range(1, len(heads) + 1)
        }
        for r in range(4, sheet.max_row + 1)
    }
    mine = rows[org.engineer_a.name]
    assert Decimal(str(mine["事假扣薪天数"])) == Decimal("1.5")
    assert Decimal(str(mine["扣薪比例(%)"])) == Decimal("7.14")
    other = rows[org.vendor_engineer_a.name]  # sick leave only
    assert (other["事假扣薪天数"], other["扣薪比例(%)"]) == (0, 0)


# --- properties ---------------------------------------------------------------------------------

OCT_DAYS = st.integers(min_value=-5, max_value=40).map(lambda n: date(2026, 9, 26) + timedelta(n))
HALVES = st.sampled_from(["am", "pm"])


@given(st.lists(st.tuples(OCT_DAYS, OCT_DAYS, HALVES, HALVES), max_size=4), st.booleans())
def test_req06_property_the_share_is_a_fraction_and_holidays_are_never_taken(raw, pro_rata):
    periods = [Period(min(a, b), max(a, b), h1, h2) for a, b, h1, h2 in raw]
    result = deduct(*periods, month=OCTOBER, is_workday=cn_october, pro_rata=pro_rata)
    assert 0 <= result.share <= 1
    assert result.days <= result.working_days == 18
    assert (result.days * 2) % 1 == 0  # whole half days
    assert result.hours == sum(  # 3 h a morning, 4 h an afternoon, of working days only
        (Decimal(3) if half == "am" else Decimal(4))
        for day, half in set().union(*(leave_halves(p, *OCTOBER) for p in periods))
        if cn_october(day)
    )
    if not pro_rata:
        assert result.share == 0
