"""Reads of staff reports, scoped like people (people/queries.py); outside the scope is 404."""

from datetime import date

from django.db.models import QuerySet
from django.http import Http404

from people.queries import people_for, person_of, role_of, sees_everything
from people.roles import CLIENT_ROLES, COMPANY_WIDE, PEOPLE_EDITORS, UNIT_WIDE, Role
from reports.models import Project, Report

OVERVIEW_ROLES = COMPANY_WIDE | UNIT_WIDE | {Role.GROUP_LEADER}


def reports_for(user) -> QuerySet[Report]:
    """Reports the user may see: staff those of the people they see; the client's contact
    and customer specialist only submitted reports addressed to their company."""
    qs = Report.objects.select_related("person__unit", "person__team", "project", "client")
    if sees_everything(user):
        return qs
    me = person_of(user)
    if me is None:
        return qs.none()
    if me.role in CLIENT_ROLES:
        if not me.client_id:
            return qs.none()
        return qs.filter(client=me.client_id, status=Report.Status.SUBMITTED)
    return qs.filter(person__in=people_for(user).values("pk"))


def access_report(user, pk: int) -> Report:
    report = reports_for(user).filter(pk=pk).first()
    if report is None:
        raise Http404
    return report


def my_reports(user) -> QuerySet[Report]:
    me = person_of(user)
    if me is None:
        return Report.objects.none()
    return reports_for(user).filter(person=me)


def can_overview(user) -> bool:
    return sees_everything(user) or role_of(user) in OVERVIEW_ROLES


def overview_reports(
    user, *, day: date, kind: str = "", unit_id: int | None = None, team_id: int | None = None
) -> QuerySet[Report]:
    """Reports whose period contains `day`, for the manager's overview (late ones flagged)."""
    qs = reports_for(user).filter(period_start__lte=day, period_end__gte=day)
    if kind:
        qs = qs.filter(kind=kind)
    if unit_id:
        qs = qs.filter(person__unit__path__contains=f"/{unit_id}/")
    if team_id:
        qs = qs.filter(person__team=team_id)
    return qs.order_by("person__unit__path", "person__team__name", "person__name", "kind")


def can_manage_projects(user) -> bool:
    """REP-04: who enters the projects whose managers report weekly."""
    return sees_everything(user) or role_of(user) in (PEOPLE_EDITORS | UNIT_WIDE)


def projects_for(user) -> QuerySet[Project]:
    qs = Project.objects.select_related("client", "manager")
    if sees_everything(user):
        return qs
    return qs.filter(manager__in=people_for(user).values("pk"))
