"""Report pages: my reports on the phone (edit and submit), one report, the manager's overview."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import clock
from core.errors import DomainError, ValidationErrors
from people.models import Company, OrgUnit
from people.queries import companies_for, people_for, person_of, teams_for, units_for
from people.roles import CLIENT_ROLES
from reports import rules
from reports.drafts import draft_text, report_facts
from reports.models import Kind, Report
from reports.queries import (
    access_report,
    can_manage_projects,
    can_overview,
    my_reports,
    overview_reports,
    projects_for,
)
from reports.services import save_draft, start_project, submit_report


def _standing(report: Report, now) -> str:
    return rules.standing(report.due_at, report.submitted_at, now)


@login_required
def mine(request):
    """The engineer's phone page: open drafts first (the next deadline on top), then the last
    submitted ones."""
    if person_of(request.user) is None:
        raise Http404
    now = clock.now()
    reports = my_reports(request.user)
    open_reports = list(reports.filter(status=Report.Status.DRAFT).order_by("due_at")[:20])
    done = list(reports.filter(status=Report.Status.SUBMITTED).order_by("-submitted_at")[:20])
    for report in open_reports + done:
        report.standing = _standing(report, now)
    return render(request, "reports/mine.html", {"open_reports": open_reports, "done": done})


@login_required
def detail(request, pk: int):
    report = access_report(request.user, pk)
    me = person_of(request.user)
    is_author = me is not None and me.pk == report.person_id
    editable = is_author and report.status == Report.Status.DRAFT
    facts = report.facts if report.status == Report.Status.SUBMITTED else report_facts(report)
    text = report.text or (draft_text(report, facts) if editable else "")
    error = None
    if request.method == "POST":
        if not editable:
            raise Http404
        text = request.POST.get("text", "")
        try:
            if request.POST.get("action") == "save":
                save_draft(report, by=request.user, text=text)
                messages.success(request, _("Draft saved."))
            else:
                submit_report(report, by=request.user, text=text)
                messages.success(request, _("Report submitted to the client."))
        except DomainError as exc:
            error = exc.message
        else:
            return redirect("reports:detail", pk=report.pk)
    report.standing = _standing(report, clock.now())
    return render(
        request,
        "reports/detail.html",
        {"report": report, "facts": facts, "text": text, "editable": editable, "error": error},
        status=400 if error else 200,
    )


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 12 else None


@login_required
def overview(request):
    """REP-01..04 for the manager: every report of the chosen period per station and team,
    late ones in red."""
    if not can_overview(request.user):
        raise Http404
    try:
        day = date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = clock.today()
    kind = request.GET.get("kind", "")
    if kind not in Kind.values:
        kind = ""
    unit_id, team_id = _int(request.GET.get("unit")), _int(request.GET.get("team"))
    units = units_for(request.user).filter(kind=OrgUnit.Kind.STATION)
    teams = teams_for(request.user)
    reports = list(
        overview_reports(request.user, day=day, kind=kind, unit_id=unit_id, team_id=team_id)[:500]
    )
    now = clock.now()
    for report in reports:
        report.standing = _standing(report, now)
    counts = {
        s: sum(1 for r in reports if r.standing == s)
        for s in (rules.ON_TIME, rules.LATE, rules.MISSING, rules.OPEN)
    }
    return render(
        request,
        "reports/overview.html",
        {
            "reports": reports,
            "day": day,
            "kind": kind,
            "kinds": Kind.choices,
            "units": units,
            "teams": teams,
            "unit_id": unit_id,
            "team_id": team_id,
            "counts": counts,
        },
    )


@require_POST
@login_required
def refresh(request, pk: int):
    """Start the draft again from the period's figures (drops the edited text)."""
    report = access_report(request.user, pk)
    try:
        save_draft(report, by=request.user, text="")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("reports:detail", pk=report.pk)


def _date(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw or "")
    except ValueError:
        return None


@login_required
def projects(request):
    """REP-04: projects at clients; their managers report progress weekly while they run."""
    if not can_manage_projects(request.user):
        raise Http404
    people = people_for(request.user).filter(active=True).exclude(role__in=list(CLIENT_ROLES))
    # The clients of the units one sees (a station manager's station serves its client).
    clients = Company.objects.filter(
        Q(pk__in=companies_for(request.user).values("pk"))
        | Q(units__in=units_for(request.user).values("pk")),
        kind=Company.Kind.CLIENT,
    ).distinct()
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            start_project(
                by=request.user,
                name=request.POST.get("name", ""),
                client=_pick(clients, request.POST.get("client")),
                manager=_pick(people, request.POST.get("manager")),
                start_date=_date(request.POST.get("start_date")),
                end_date=_date(request.POST.get("end_date")),
            )
        except ValidationErrors as exc:
            errors = exc.errors
        else:
            messages.success(request, _("Project saved."))
            return redirect("reports:projects")
    return render(
        request,
        "reports/projects.html",
        {
            "projects": projects_for(request.user)[:200],
            "people": people.order_by("name"),
            "clients": clients,
            "values": request.POST if request.method == "POST" else {},
            "errors": errors,
        },
        status=400 if errors else 200,
    )


def _pick(qs, raw: str | None):
    return qs.filter(pk=int(raw)).first() if raw and raw.isdigit() and len(raw) < 12 else None
