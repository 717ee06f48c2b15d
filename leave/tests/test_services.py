"""leave.services: state, approval steps, audit entries, notifications and scheduled work."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.errors import DomainError
from core.models import AuditEntry
from core.services import change_policy
from leave.models import ApprovalStep, Request
from leave.services import (
    approve_step,
    assign_cover,
    reject_step,
    remind_trip_report,
    submit_request,
    submit_trip_report,
    withdraw_request,
)
from leave.tests.conftest import SH, TUESDAY
from notifications.models import Notification
from people.roles import EmploymentType

pytestmark = pytest.mark.django_db


def file_leave(person, leave_type, start=TUESDAY, end=None, **kwargs):
    kwargs.setdefault("reason", "家里有事")
    return submit_request(
        person,
        by=person.user,
        kind="leave",
        leave_type=leave_type,
        start_date=start,
        end_date=end or start,
        **kwargs,
    )


def steps_of(req):
    return [(s.approver, s.basis, s.status) for s in req.steps.order_by("order")]


# --- submission --------------------------------------------------------------------------------


def test_submission_creates_steps_audit_and_notifies_the_first_approver(
    org, types_, monday, django_capture_on_commit_callbacks
):
    org.leader_a.language = "en"
    org.leader_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        req = file_leave(org.engineer_a, types_.personal, cc=[org.manager_a])
    assert req.status == Request.Status.PENDING
    assert req.days == Decimal("1")
    assert steps_of(req) == [(org.leader_a, "REQ-01 group_leader", ApprovalStep.Status.PENDING)]
    entry = AuditEntry.objects.get(action="leave.request.submitted")
    assert entry.object_id == str(req.pk) and entry.actor == org.engineer_a.user
    assert entry.data["chain"] == [f"REQ-01 group_leader: {org.leader_a.name}"]
    note = Notification.objects.get(recipient=org.leader_a)
    assert note.event == "leave.step.pending"
    assert note.title == f"{org.engineer_a.name} asks for your approval: Leave"
    assert note.url == f"/requests/{req.pk}/"
    assert Notification.objects.filter(recipient=org.manager_a, event="leave.request.cc").exists()


def test_notifications_are_written_in_the_recipients_language(
    org, types_, monday, django_capture_on_commit_callbacks
):
    from django.utils import translation

    org.leader_a.language = "zh-hans"
    org.leader_a.save()
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        file_leave(org.engineer_a, types_.personal)
    title = Notification.objects.get(recipient=org.leader_a).title
    assert "请假" in title  # the kind label in Chinese although the applicant used English


def test_REQ_01_more_than_a_day_goes_to_the_clients_person_in_charge(org, types_, monday):
    req = file_leave(
        org.engineer_a, types_.personal, end=TUESDAY + timedelta(days=1), end_half="am"
    )
    assert req.days == Decimal("1.5")
    assert steps_of(req) == [(org.client_pic, "REQ-01 client_pic", ApprovalStep.Status.PENDING)]


def test_REQ_09_a_resident_engineers_leave_also_needs_the_client(org, types_, monday):
    org.engineer_a.employment_type = EmploymentType.RESIDENT
    org.engineer_a.save()
    req = file_leave(org.engineer_a, types_.annual)
    assert [(s[0], s[2]) for s in steps_of(req)] == [
        (org.leader_a, ApprovalStep.Status.PENDING),
        (org.client_pic, ApprovalStep.Status.WAITING),
    ]


def test_REQ_08_a_secondment_has_two_steps_client_then_unit_leader(org, monday):
    req = submit_request(
        org.engineer_a,
        by=org.engineer_a.user,
        kind="secondment",
        start_date=TUESDAY,
        end_date=TUESDAY + timedelta(days=3),
        requesting_unit="市局网络部",
        reason="割接支援",
    )
    # No station head in station A: its station manager signs for the unit (RULES §1).
    assert steps_of(req) == [
        (org.client_pic, "REQ-08 client_pic", ApprovalStep.Status.PENDING),
        (org.manager_a, "REQ-08 unit_leader", ApprovalStep.Status.WAITING),
    ]


def test_a_group_leader_never_approves_his_own_leave(org, types_, monday):
    req = file_leave(org.leader_a, types_.annual)
    assert [s[0] for s in steps_of(req)] == [org.manager_a]


def test_an_engineer_may_not_file_for_someone_else(org, types_, monday):
    with pytest.raises(DomainError):
        submit_request(
            org.engineer_b,
            by=org.engineer_a.user,
            kind="leave",
            leave_type=types_.annual,
            start_date=TUESDAY,
            end_date=TUESDAY,
            reason="x",
        )
    assert not Request.objects.exists()


def test_overlapping_requests_are_refused_and_nothing_is_stored(org, types_, monday):
    first = file_leave(org.engineer_a, types_.annual, end=TUESDAY + timedelta(days=2))
    with pytest.raises(DomainError) as exc:
        submit_request(
            org.engineer_a,
            by=org.engineer_a.user,
            kind="trip",
            start_date=TUESDAY + timedelta(days=1),
            end_date=TUESDAY + timedelta(days=4),
            destination="广州",
            reason="培训",
        )
    assert exc.value.field == "start_date"
    assert f"#{first.pk}" in exc.value.message
    assert Request.objects.count() == 1
    assert AuditEntry.objects.filter(action="leave.request.submitted").count() == 1


def test_a_morning_leave_and_an_afternoon_trip_on_the_same_day_do_not_overlap(org, types_, monday):
    file_leave(org.engineer_a, types_.annual, end_half="am")
    trip = submit_request(
        org.engineer_a,
        by=org.engineer_a.user,
        kind="trip",
        start_date=TUESDAY,
        start_half="pm",
        end_date=TUESDAY,
        destination="广州",
        reason="培训",
    )
    assert trip.days == Decimal("0.5")


def test_a_withdrawn_request_no_longer_blocks_the_dates(org, types_, monday):
    first = file_leave(org.engineer_a, types_.annual)
    withdraw_request(first, by=org.engineer_a.user)
    assert file_leave(org.engineer_a, types_.annual).pk != first.pk


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (TUESDAY, TUESDAY - timedelta(days=1), "end_date"),
        (date(2026, 11, 21), date(2026, 11, 22), "end_date"),  # a weekend: no working day
        (TUESDAY + timedelta(days=400), TUESDAY + timedelta(days=401), "start_date"),
    ],
)
def test_bad_dates_are_refused_naming_the_field(org, types_, monday, start, end, field):
    with pytest.raises(DomainError) as exc:
        file_leave(org.engineer_a, types_.annual, start=start, end=end)
    assert exc.value.field == field


def test_REQ_02_personal_leave_filed_the_same_day_is_refused_unless_an_emergency(
    org, types_, monday
):
    today = monday.date()
    with pytest.raises(DomainError) as exc:
        file_leave(org.engineer_a, types_.personal, start=today)
    assert exc.value.field == "start_date" and "REQ-02" in exc.value.message
    assert file_leave(org.engineer_a, types_.personal, start=today, emergency=True).emergency


def test_REQ_03_leave_already_taken_is_filed_as_an_emergency_by_the_deadline(
    org, types_, time_machine
):
    # Sick on Friday 2026-11-13: back Monday 16th, deadline Tuesday 17th.
    friday = date(2026, 11, 13)
    time_machine.move_to(datetime(2026, 11, 17, 18, 0, tzinfo=SH), tick=False)
    with pytest.raises(DomainError) as exc:
        file_leave(org.engineer_a, types_.sick, start=friday)
    assert exc.value.field == "emergency" and "REQ-03" in exc.value.message
    assert file_leave(org.engineer_a, types_.sick, start=friday, emergency=True).pk


def test_REQ_03_past_the_deadline_the_day_stays_absent(org, types_, time_machine):
    time_machine.move_to(datetime(2026, 11, 18, 9, 0, tzinfo=SH), tick=False)
    with pytest.raises(DomainError) as exc:
        file_leave(org.engineer_a, types_.sick, start=date(2026, 11, 13), emergency=True)
    assert exc.value.field == "start_date"
    assert "2026-11-17" in exc.value.message and "REQ-04" in exc.value.message


def test_REQ_05_longer_sick_leave_needs_a_certificate(org, types_, monday):
    end = TUESDAY + timedelta(days=1)
    with pytest.raises(DomainError) as exc:
        file_leave(org.engineer_a, types_.sick, end=end)
    assert exc.value.field == "attachment" and "REQ-05" in exc.value.message
    certificate = SimpleUploadedFile("诊断书.pdf", b"%PDF-1.4 certificate", "application/pdf")
    req = file_leave(org.engineer_a, types_.sick, end=end, attachment=certificate)
    assert req.attachment.name.startswith("requests/2026/11/")
    assert file_leave(org.engineer_a, types_.sick, start=end + timedelta(days=1)).pk  # 1 day


def test_attachments_must_be_a_pdf_or_a_photo(org, types_, monday):
    script = SimpleUploadedFile("x.html", b"<script>", "text/html")
    with pytest.raises(DomainError) as exc:
        file_leave(org.engineer_a, types_.sick, attachment=script)
    assert exc.value.field == "attachment"


def test_a_retried_submission_with_the_same_key_returns_the_first_request(org, types_, monday):
    first = file_leave(org.engineer_a, types_.annual, idempotency_key="k-1")
    again = file_leave(org.engineer_a, types_.annual, idempotency_key="k-1")
    assert again.pk == first.pk
    assert Request.objects.count() == 1
    assert AuditEntry.objects.filter(action="leave.request.submitted").count() == 1


# --- decisions ---------------------------------------------------------------------------------


def test_approving_the_last_step_approves_and_schedules_recomputation(
    org, types_, monday, attendance_calls, django_capture_on_commit_callbacks
):
    req = file_leave(org.engineer_a, types_.annual)
    with django_capture_on_commit_callbacks(execute=True):
        req = approve_step(req, by=org.leader_a.user, comment="同意")
    assert req.status == Request.Status.APPROVED and req.decided_at == monday
    step = req.steps.get()
    assert (step.status, step.comment, step.decided_at) == ("approved", "同意", monday)
    attendance_calls.recompute_days.assert_called_once_with(
        person_ids=[org.engineer_a.pk], start=TUESDAY, end=TUESDAY
    )
    actions = list(
        AuditEntry.objects.filter(object_id=str(req.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["leave.request.submitted", "leave.step.approved", "leave.request.approved"]
    assert Notification.objects.filter(
        recipient=org.engineer_a, event="leave.request.approved"
    ).exists()


def test_recomputation_runs_only_after_commit(org, types_, monday, attendance_calls):
    req = file_leave(org.engineer_a, types_.annual)
    approve_step(req, by=org.leader_a.user)
    attendance_calls.recompute_days.assert_not_called()  # the test transaction is still open


def test_the_first_of_two_steps_hands_over_to_the_next_approver(
    org, monday, attendance_calls, django_capture_on_commit_callbacks
):
    req = submit_request(
        org.engineer_a,
        by=org.engineer_a.user,
        kind="secondment",
        start_date=TUESDAY,
        end_date=TUESDAY,
        requesting_unit="市局",
        reason="支援",
    )
    with django_capture_on_commit_callbacks(execute=True):
        req = approve_step(req, by=org.client_pic.user)
    assert req.status == Request.Status.PENDING
    assert [s[2] for s in steps_of(req)] == ["approved", "pending"]
    assert Notification.objects.filter(recipient=org.manager_a, event="leave.step.pending").exists()
    attendance_calls.recompute_days.assert_not_called()
    with pytest.raises(DomainError):
        approve_step(req, by=org.client_pic.user)  # his step is done
    req = approve_step(req, by=org.manager_a.user)
    assert req.status == Request.Status.APPROVED


def test_only_the_current_approver_decides(org, types_, monday):
    req = file_leave(org.engineer_a, types_.annual)
    for persona in (org.engineer_a, org.manager_a, org.client_pic):
        with pytest.raises(DomainError):
            approve_step(req, by=persona.user)
    assert Request.objects.get(pk=req.pk).status == "pending"


def test_rejection_cancels_the_later_steps_and_tells_the_applicant(
    org, types_, monday, attendance_calls, django_capture_on_commit_callbacks
):
    org.engineer_a.employment_type = EmploymentType.RESIDENT
    org.engineer_a.save()
    req = file_leave(org.engineer_a, types_.annual)
    with django_capture_on_commit_callbacks(execute=True):
        req = reject_step(req, by=org.leader_a.user, comment="人手不足")
    assert req.status == Request.Status.REJECTED
    assert [s[2] for s in steps_of(req)] == ["rejected", "cancelled"]
    assert AuditEntry.objects.filter(action="leave.request.rejected").exists()
    note = Notification.objects.get(recipient=org.engineer_a, event="leave.request.rejected")
    assert "人手不足" in note.body
    with pytest.raises(DomainError):
        approve_step(req, by=org.leader_a.user)


def test_withdraw_only_by_the_applicant_and_only_while_pending(
    org, types_, monday, attendance_calls, django_capture_on_commit_callbacks
):
    req = file_leave(org.engineer_a, types_.annual)
    with pytest.raises(DomainError):
        withdraw_request(req, by=org.leader_a.user)
    with django_capture_on_commit_callbacks(execute=True):
        req = withdraw_request(req, by=org.engineer_a.user)
    assert req.status == Request.Status.WITHDRAWN
    assert [s[2] for s in steps_of(req)] == ["cancelled"]
    assert AuditEntry.objects.filter(action="leave.request.withdrawn").exists()
    assert Notification.objects.filter(
        recipient=org.leader_a, event="leave.request.withdrawn"
    ).exists()
    attendance_calls.recompute_days.assert_called_once()

    approved = file_leave(org.engineer_a, types_.annual, start=TUESDAY + timedelta(days=1))
    approve_step(approved, by=org.leader_a.user)
    with pytest.raises(DomainError):
        withdraw_request(approved, by=org.engineer_a.user)


# --- overtime and make-up punches (ATT-09, ATT-02) ---------------------------------------------


def test_ATT_09_overtime_is_approved_in_advance_by_the_department_head(org, monday):
    saturday = datetime(2026, 11, 21, 9, 0, tzinfo=SH)
    req = submit_request(
        org.engineer_a,
        by=org.engineer_a.user,
        kind="overtime",
        start_at=saturday,
        end_at=saturday + timedelta(hours=4),
        reason="机房割接",
    )
    assert req.hours == Decimal(4) and req.start_date == date(2026, 11, 21)
    assert steps_of(req) == [(org.manager_a, "ATT-09 station_head", "pending")]
    with pytest.raises(DomainError) as exc:
        submit_request(
            org.engineer_a,
            by=org.engineer_a.user,
            kind="overtime",
            start_at=monday - timedelta(days=2),
            end_at=monday - timedelta(days=2) + timedelta(hours=2),
            reason="补报",
        )
    assert exc.value.field == "start_at" and "ATT-09" in exc.value.message


def test_ATT_09_overtime_without_required_approval_is_approved_at_once(org, monday):
    change_policy(
        {"att.overtime_needs_approval": False}, by=org.ops.user, effective_from=monday.date()
    )
    saturday = datetime(2026, 11, 21, 9, 0, tzinfo=SH)
    req = submit_request(
        org.engineer_a,
        by=org.engineer_a.user,
        kind="overtime",
        start_at=saturday,
        end_at=saturday + timedelta(hours=2),
        reason="值班",
    )
    assert req.status == Request.Status.APPROVED and not req.steps.exists()


def file_makeup(person, at):
    return submit_request(person, by=person.user, kind="makeup", start_at=at, reason="忘记打卡")


def test_ATT_02_make_up_punches_are_limited_per_month(org, monday):
    base = datetime(2026, 11, 2, 8, 30, tzinfo=SH)
    made = [file_makeup(org.engineer_a, base + timedelta(days=i)) for i in range(3)]
    with pytest.raises(DomainError) as exc:
        file_makeup(org.engineer_a, base + timedelta(days=3))
    assert exc.value.field == "start_at" and "ATT-02" in exc.value.message
    withdraw_request(made[0], by=org.engineer_a.user)  # withdrawn ones do not count
    assert file_makeup(org.engineer_a, base + timedelta(days=3)).pk
    assert file_makeup(org.engineer_a, datetime(2026, 10, 30, 8, 30, tzinfo=SH)).pk  # October


def test_an_approved_make_up_punch_records_the_punch(
    org, monday, attendance_calls, django_capture_on_commit_callbacks
):
    at = datetime(2026, 11, 13, 8, 25, tzinfo=SH)
    req = file_makeup(org.engineer_a, at)
    assert steps_of(req) == [(org.leader_a, "ATT-02 group_leader", "pending")]
    with django_capture_on_commit_callbacks(execute=True):
        approve_step(req, by=org.leader_a.user)
    kwargs = attendance_calls.record_punch.call_args.kwargs
    assert attendance_calls.record_punch.call_args.args == (org.engineer_a,)
    assert (kwargs["at"], kwargs["source"], kwargs["by"]) == (at, "makeup", org.leader_a.user)
    attendance_calls.recompute_days.assert_called_once_with(
        person_ids=[org.engineer_a.pk], start=date(2026, 11, 13), end=date(2026, 11, 13)
    )


def test_a_make_up_punch_is_for_a_past_time(org, monday):
    with pytest.raises(DomainError) as exc:
        file_makeup(org.engineer_a, monday + timedelta(hours=1))
    assert exc.value.field == "start_at"


# --- cover and trip report (REQ-10, REQ-07) ----------------------------------------------------


def test_REQ_10_cover_must_be_a_reserve_engineer_for_an_approved_leave(
    org, types_, reserve, monday, django_capture_on_commit_callbacks
):
    req = file_leave(org.engineer_a, types_.annual)
    with pytest.raises(DomainError):
        assign_cover(req, by=org.manager_a.user, cover=reserve)  # still pending
    approve_step(req, by=org.leader_a.user)
    with pytest.raises(DomainError) as exc:
        assign_cover(req, by=org.manager_a.user, cover=org.vendor_engineer_a)
    assert exc.value.field == "cover" and "REQ-10" in exc.value.message
    with pytest.raises(DomainError):
        assign_cover(req, by=org.engineer_b.user, cover=reserve)  # not his people
    with django_capture_on_commit_callbacks(execute=True):
        req = assign_cover(req, by=org.manager_a.user, cover=reserve)
    assert req.cover == reserve
    entry = AuditEntry.objects.get(action="leave.request.cover_assigned")
    assert entry.changes["cover"] == [None, reserve.name]
    assert Notification.objects.filter(recipient=reserve, event="leave.cover.assigned").exists()


def test_REQ_10_a_reserve_covers_one_person_at_a_time(org, types_, reserve, monday):
    first = approve_step(file_leave(org.engineer_a, types_.annual), by=org.leader_a.user)
    assign_cover(first, by=org.manager_a.user, cover=reserve)
    second = approve_step(file_leave(org.vendor_engineer_a, types_.annual), by=org.leader_a.user)
    with pytest.raises(DomainError) as exc:
        assign_cover(second, by=org.manager_a.user, cover=reserve)
    assert exc.value.field == "cover"


def file_trip(org):
    return submit_request(
        org.engineer_a,
        by=org.engineer_a.user,
        kind="trip",
        start_date=TUESDAY,
        end_date=TUESDAY + timedelta(days=2),
        destination="广州",
        reason="设备培训",
    )


def test_REQ_07_a_trip_report_is_handed_in_after_return(
    org, monday, time_machine, django_capture_on_commit_callbacks
):
    trip = file_trip(org)
    assert steps_of(trip) == [(org.client_pic, "REQ-07 client_pic", "pending")]
    with django_capture_on_commit_callbacks(execute=True):
        trip = approve_step(trip, by=org.client_pic.user)
    approved = Notification.objects.get(recipient=org.engineer_a, event="leave.request.approved")
    assert "2026-11-22" in approved.body  # report due 3 days after the trip (REQ-07)
    with pytest.raises(DomainError) as exc:
        submit_trip_report(trip, by=org.engineer_a.user, text="完成培训")
    assert exc.value.field == "text"  # still travelling
    time_machine.move_to(datetime(2026, 11, 20, 9, 0, tzinfo=SH), tick=False)
    with pytest.raises(DomainError):
        submit_trip_report(trip, by=org.leader_a.user, text="代写")
    with django_capture_on_commit_callbacks(execute=True):
        trip = submit_trip_report(trip, by=org.engineer_a.user, text="完成培训")
    assert trip.trip_report == "完成培训" and trip.trip_report_at is not None
    assert AuditEntry.objects.get(action="leave.trip_report.submitted").data["late"] is False
    assert Notification.objects.filter(
        recipient=org.client_pic, event="leave.trip_report.submitted"
    ).exists()
    with pytest.raises(DomainError):
        submit_trip_report(trip, by=org.engineer_a.user, text="again")


def test_REQ_07_travellers_are_reminded_once_of_the_report(org, monday, time_machine):
    trip = approve_step(file_trip(org), by=org.client_pic.user)
    assert remind_trip_report(trip.pk) is False  # not back yet
    time_machine.move_to(datetime(2026, 11, 21, 9, 0, tzinfo=SH), tick=False)
    assert remind_trip_report(trip.pk) is True
    assert remind_trip_report(trip.pk) is False
    assert Notification.objects.filter(event="leave.trip_report.due").count() == 1


# --- with the real attendance services (no stand-ins) ------------------------------------------


def test_an_approved_leave_is_judged_as_leave_by_attendance(
    org, types_, monday, django_capture_on_commit_callbacks
):
    from attendance.models import DayJudgement

    req = file_leave(org.engineer_a, types_.sick)
    with django_capture_on_commit_callbacks(execute=True):
        approve_step(req, by=org.leader_a.user)
    day = DayJudgement.objects.get(person=org.engineer_a, date=TUESDAY)
    assert day.status == "leave" and day.leave_days == Decimal("1") and day.leave_type == "sick"


def test_an_approved_make_up_punch_is_stored_as_a_punch(
    org, monday, django_capture_on_commit_callbacks
):
    from attendance.models import Punch

    at = datetime(2026, 11, 13, 8, 25, tzinfo=SH)
    req = file_makeup(org.engineer_a, at)
    with django_capture_on_commit_callbacks(execute=True):
        approve_step(req, by=org.leader_a.user)
    punch = Punch.objects.get(person=org.engineer_a)
    assert (punch.at, punch.source, punch.created_by) == (at, "makeup", org.leader_a.user)


def test_the_daily_sweep_reminds_travellers_back_from_a_trip(org, monday, time_machine):
    from leave.tasks import remind_trip_reports

    approve_step(file_trip(org), by=org.client_pic.user)
    assert remind_trip_reports.call_local() == 0
    time_machine.move_to(datetime(2026, 11, 23, 9, 0, tzinfo=SH), tick=False)
    assert remind_trip_reports.call_local() == 1
    assert remind_trip_reports.call_local() == 0
