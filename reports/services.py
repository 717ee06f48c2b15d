"""Staff report operations (REP-01..04): generating the due drafts, submitting and delivering
them to the client, reminding before the deadline and flagging late ones after it. The
pre-filled text of a draft is in drafts.py."""

from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import audit, clock
from core.errors import DomainError, ValidationErrors
from core.policy import policy_for
from core.workcalendar import WorkCalendar
from notifications.models import Delivery, Notification
from notifications.services import notify
from people.models import Person
from people.roles import EmploymentType, Role
from reports import rules
from reports.drafts import report_facts
from reports.models import Kind, Project, Report

MAX_TEXT = 20_000


def report_policy(client_id: int | None, on: date) -> rules.ReportPolicy:
    return rules.ReportPolicy.from_policy(policy_for(client_id, on=on))


def calendar_for(start: date, end: date) -> WorkCalendar:
    use_cn = policy_for(None, on=end)["att.cn_calendar"]
    return WorkCalendar(start, end, use_cn_calendar=use_cn)


def reporters() -> Any:
    """People who must report (REP-01..03), the database form of `rules.must_report`."""
    return Person.objects.filter(
        active=True,
        role=Role.ENGINEER,
        client__isnull=False,
        employment_type__in=[EmploymentType.RESIDENT, EmploymentType.OUTSOURCED],
    )


def away_all_day_ids(day: date) -> set[int]:
    """People away for the whole of `day` on approved leave, a trip or a secondment (REP-01:
    no daily report is due from them)."""
    from leave.models import Request

    absences = Request.objects.filter(
        status=Request.Status.APPROVED,
        kind__in=[Request.Kind.LEAVE, Request.Kind.TRIP, Request.Kind.SECONDMENT],
        start_date__lte=day,
        end_date__gte=day,
    ).values_list("person_id", "start_date", "start_half", "end_date", "end_half")
    return {
        person_id
        for person_id, start, start_half, end, end_half in absences
        if rules.away_all_day(day, start, start_half, end, end_half)
    }


def _new_report(
    person: Person,
    kind: str,
    day: date,
    client_id: int,
    calendar: WorkCalendar,
    now: datetime,
    policies: dict[int, rules.ReportPolicy],
    project: Project | None = None,
) -> Report:
    if client_id not in policies:
        policies[client_id] = report_policy(client_id, day)
    policy = policies[client_id]
    start, end = rules.period_of(kind, day)
    due = rules.due_at(
        kind,
        start,
        end,
        policy,
        lambda d: calendar.day(d).is_workday,
        timezone.get_default_timezone(),
    )
    return Report(
        person=person,
        kind=kind,
        project=project,
        client_id=client_id,
        period_start=start,
        period_end=end,
        due_at=due,
        remind_at=rules.reminder_at(due, policy),
        created_at=now,
    )


def create_due_reports(day: date) -> int:
    """Create the drafts due for the periods containing `day`: the daily report on a working day
    (REP-01), the week's report (REP-02), the quarter's summary (REP-03) and each running
    project's weekly progress report (REP-04). Idempotent: existing ones are left alone.
    Returns how many were created."""
    now = clock.now()
    q_start, q_end = rules.period_of(rules.QUARTERLY, day)
    calendar = calendar_for(q_start, q_end)
    policies: dict[int, rules.ReportPolicy] = {}  # one policy read per client
    rows: list[Report] = []
    away = away_all_day_ids(day)
    for person in reporters():
        if not rules.must_report(
            role=person.role,
            employment_type=person.employment_type,
            client_id=person.client_id,
            active=person.active,
        ):
            continue
        if rules.daily_due_on(
            day, lambda d: calendar.day(d).is_workday, away_all_day=person.pk in away
        ):
            rows.append(
                _new_report(person, Kind.DAILY, day, person.client_id, calendar, now, policies)
            )
        for kind in (Kind.WEEKLY, Kind.QUARTERLY):
            rows.append(_new_report(person, kind, day, person.client_id, calendar, now, policies))
    running = Project.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=day), start_date__lte=day
    ).select_related("manager")
    for project in running:
        if report_policy(project.client_id, day).project_weekly and project.manager.active:
            rows.append(
                _new_report(
                    project.manager,
                    Kind.PROJECT,
                    day,
                    project.client_id,
                    calendar,
                    now,
                    policies,
                    project,
                )
            )
    before = Report.objects.count()
    Report.objects.bulk_create(rows, ignore_conflicts=True)
    return Report.objects.count() - before


# --- writing ---------------------------------------------------------------------------------


def _clean_text(text: Any) -> str:
    value = str(text or "").replace("\x00", "").strip()
    if not value:
        raise DomainError(_("Write the report before submitting it."), field="text")
    if len(value) > MAX_TEXT:
        raise DomainError(
            _("The report is longer than {n} characters.").format(n=MAX_TEXT), field="text"
        )
    return value


def _check_author(report: Report, by: Any) -> None:
    person = getattr(by, "person", by)
    if getattr(person, "pk", None) != report.person_id:
        raise DomainError(_("Only the author can change or submit this report."))


@transaction.atomic
def save_draft(report: Report, *, by: Any, text: str) -> Report:
    """Keep the edited text of a draft without submitting it."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    _check_author(report, by)
    if report.status != Report.Status.DRAFT:
        raise DomainError(_("This report has already been submitted."))
    value = str(text or "").replace("\x00", "")
    if len(value) > MAX_TEXT:
        raise DomainError(
            _("The report is longer than {n} characters.").format(n=MAX_TEXT), field="text"
        )
    report.text = value
    report.save(update_fields=["text"])
    return report


@transaction.atomic
def submit_report(report: Report, *, by: Any, text: str) -> Report:
    """Submit a report and deliver it to the client's contact with the customer specialist in
    copy (REP-01). After the deadline it is marked late (REP-01..04)."""
    report = (
        Report.objects.select_for_update(of=("self",))
        .select_related("person", "project")
        .get(pk=report.pk)
    )
    _check_author(report, by)
    if report.status != Report.Status.DRAFT:
        raise DomainError(_("This report has already been submitted."))
    report.text = _clean_text(text)
    now = clock.now()
    report.facts = report_facts(report)
    report.status = Report.Status.SUBMITTED
    report.submitted_at = now
    report.late = rules.is_late(report.due_at, now, now)
    if report.late and report.late_flagged_at is None:
        report.late_flagged_at = now
    report.save()
    audit.record(
        report,
        "reports.report.submitted",
        by=by,
        data={"rule": report.rule_id, "late": report.late, "due_at": report.due_at.isoformat()},
    )
    deliver_report(report)
    return report


def report_url(report: Report) -> str:
    return reverse("reports:detail", args=[report.pk])


def recipients_of(report: Report) -> tuple[list[Person], list[Person]]:
    """REP-01: to the client's contact people, in copy its customer specialists."""
    people = Person.objects.filter(client_id=report.client_id, active=True).select_related("user")
    return (
        list(people.filter(role=Role.CLIENT_PIC)),
        list(people.filter(role=Role.CLIENT_SPECIALIST)),
    )


def _email_copy(notification: Notification) -> None:
    """The client reads reports by e-mail too: one delivery to his own mailbox unless the
    station's rules already planned one (the worker's sweep sends it after commit)."""
    email = notification.recipient.user.email
    if not email or notification.deliveries.filter(to_email=email).exists():
        return
    Delivery.objects.create(
        notification=notification,
        to_email=email,
        created_at=notification.created_at,
        next_try_at=notification.created_at,
    )


def deliver_report(report: Report) -> list[Notification]:
    to, cc = recipients_of(report)
    sent = []
    for person, title in [(p, gettext_lazy("{kind} from {name}")) for p in to] + [
        (p, gettext_lazy("Copy: {kind} from {name}")) for p in cc
    ]:
        notification = notify(
            person,
            event=f"reports.{report.kind}.submitted",
            title=title,
            body=report.text,
            url=report_url(report),
            params={"kind": Kind(report.kind).label, "name": report.person.name},
            unit=report.person.unit,
        )
        if notification is not None:
            _email_copy(notification)
            sent.append(notification)
    return sent


# --- clock-driven ----------------------------------------------------------------------------


def reports_to_remind(at: datetime) -> list[int]:
    return list(
        Report.objects.filter(
            status=Report.Status.DRAFT,
            reminded_at__isnull=True,
            remind_at__lte=at,
            due_at__gte=at,
        ).values_list("pk", flat=True)[:5000]
    )


def _excused(report: Report) -> bool:
    """A daily draft of a day the person turned out to be away all day (leave approved after the
    draft was made) is no longer due (REP-01)."""
    return report.kind == Kind.DAILY and report.person_id in away_all_day_ids(report.period_start)


def _drop_excused(report_id: int) -> bool:
    report = Report.objects.filter(pk=report_id, status=Report.Status.DRAFT).first()
    if report is None or not _excused(report):
        return False
    audit.record(report, "reports.report.dropped", data={"rule": "REP-01", "reason": "away"})
    report.delete()
    return True


def remind_report(report_id: int, at: datetime) -> bool:
    """Send the one reminder of a draft (claimed with a conditional UPDATE: once per report)."""
    if _drop_excused(report_id):
        return False
    claimed = Report.objects.filter(
        pk=report_id, status=Report.Status.DRAFT, reminded_at__isnull=True, due_at__gte=at
    ).update(reminded_at=at)
    if not claimed:
        return False
    report = Report.objects.select_related("person").get(pk=report_id)
    notify(
        report.person,
        event=f"reports.{report.kind}.reminder",
        title=gettext_lazy("Your {kind} is due at {due}"),
        params={
            "kind": Kind(report.kind).label,
            "due": timezone.localtime(report.due_at).strftime("%Y-%m-%d %H:%M"),
        },
        url=report_url(report),
    )
    return True


def reports_to_flag(at: datetime) -> list[int]:
    return list(
        Report.objects.filter(
            status=Report.Status.DRAFT, late_flagged_at__isnull=True, due_at__lt=at
        ).values_list("pk", flat=True)[:5000]
    )


def flag_late_report(report_id: int, at: datetime) -> bool:
    """The deadline passed without a submission: the report is late (missing) from now on."""
    if _drop_excused(report_id):
        return False
    claimed = Report.objects.filter(
        pk=report_id, status=Report.Status.DRAFT, late_flagged_at__isnull=True, due_at__lt=at
    ).update(late=True, late_flagged_at=at)
    if not claimed:
        return False
    report = Report.objects.select_related("person__manager").get(pk=report_id)
    audit.record(
        report,
        "reports.report.late",
        data={"rule": report.rule_id, "due_at": report.due_at.isoformat()},
    )
    if report.person.manager is not None:
        notify(
            report.person.manager,
            event=f"reports.{report.kind}.late",
            title=gettext_lazy("{name} has not submitted the {kind}"),
            params={"name": report.person.name, "kind": Kind(report.kind).label},
            url=report_url(report),
            unit=report.person.unit,
        )
    return True


def run_clock(at: datetime) -> tuple[int, int]:
    """One pass of the clock: reminders due and late flags due. Returns (reminded, flagged)."""
    reminded = sum(remind_report(pk, at) for pk in reports_to_remind(at))
    flagged = sum(flag_late_report(pk, at) for pk in reports_to_flag(at))
    return reminded, flagged


@transaction.atomic
def start_project(
    *, by: Any, name: str, client: Any, manager: Person | None, start_date: Any, end_date: Any
) -> Project:
    """REP-04: a project at a client; its manager reports progress weekly while it runs."""
    errors: dict[str, str] = {}
    name = str(name or "").replace("\x00", "").strip()
    if not name:
        errors["name"] = _("This field is required.")
    elif len(name) > 120:
        errors["name"] = _("At most {n} characters.").format(n=120)
    if client is None:
        errors["client"] = _("Choose the client.")
    if manager is None or not manager.active:
        errors["manager"] = _("Choose the project manager.")
    if not isinstance(start_date, date):
        errors["start_date"] = _("Enter the start date.")
    elif isinstance(end_date, date) and end_date < start_date:
        errors["end_date"] = _("The end is before the start.")
    if errors:
        raise ValidationErrors(errors)
    project = Project.objects.create(
        name=name, client=client, manager=manager, start_date=start_date, end_date=end_date
    )
    audit.record(project, "reports.project.started", by=by, data={"rule": "REP-04"})
    return project
