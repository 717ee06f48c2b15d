"""Reads for the inspection pages, the API, the KPI-10 score and the dashboards; who sees what
(outsiders get 404)."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from inspections.models import (
    Answer,
    Asset,
    ChecklistTemplate,
    Plan,
    SkipRequest,
    SpotCheck,
    Ticket,
)
from people.queries import person_of, role_of, sees_everything
from people.roles import CLIENT_ROLES, UNIT_WIDE, Role

# Who builds checklists and plans (INS-09): the operations manager.
CHECKLIST_EDITORS = {Role.OPS_MANAGER}
# CB-03: the dispatch centre (with customer service) calls back on inspection tickets.
SPOT_CHECKERS = {Role.DISPATCH_CENTRE, Role.CUSTOMER_SERVICE, Role.OPS_MANAGER}


def _scoped(qs: QuerySet, user, *, unit: str, engineer: str, client: str) -> QuerySet:
    """The shared scope of assets and tickets: company-wide roles all, unit roles their subtree,
    a group leader his team's, client roles their company's, a vendor contact his company's
    engineers', an engineer his own."""
    if sees_everything(user):
        return qs
    me = person_of(user)
    if me is None:
        return qs.none()
    if me.role in UNIT_WIDE:
        return qs.filter(**{f"{unit}__path__startswith": me.unit.path}) if me.unit_id else qs.none()
    if me.role in CLIENT_ROLES:
        return qs.filter(**{client: me.client_id}) if me.client_id else qs.none()
    if me.role == Role.VENDOR_CONTACT:
        return qs.filter(**{f"{engineer}__employer": me.employer_id})
    if me.role == Role.GROUP_LEADER:
        return qs.filter(Q(**{engineer: me}) | Q(**{f"{engineer}__team__leader": me}))
    return qs.filter(**{engineer: me})


def assets_for(user) -> QuerySet[Asset]:
    qs = Asset.objects.select_related("unit", "station", "engineer", "client", "customer")
    return _scoped(qs, user, unit="unit", engineer="engineer", client="client")


def access_asset(user, pk: int) -> Asset:
    asset = assets_for(user).filter(pk=pk).first()
    if asset is None:
        raise Http404
    return asset


def tickets_for(user) -> QuerySet[Ticket]:
    qs = Ticket.objects.select_related("asset__unit", "engineer", "plan", "template")
    return _scoped(qs, user, unit="asset__unit", engineer="engineer", client="asset__client")


def access_ticket(user, pk: int) -> Ticket:
    ticket = tickets_for(user).filter(pk=pk).first()
    if ticket is None:
        raise Http404
    return ticket


def my_tickets(person, today: date) -> QuerySet[Ticket]:
    """The engineer's open tickets planned for today or earlier: today's and the overdue ones."""
    return (
        Ticket.objects.filter(engineer=person, status=Ticket.Status.OPEN, planned_on__lte=today)
        .select_related("asset__unit", "template")
        .order_by("due_on", "pk")
    )


def answers_of(ticket: Ticket) -> QuerySet[Answer]:
    return ticket.answers.select_related("item", "order").order_by("item__position", "pk")


def access_answer(user, pk: int) -> Answer:
    answer = (
        Answer.objects.select_related("ticket", "item", "order")
        .filter(pk=pk, ticket__in=tickets_for(user).values("pk"))
        .first()
    )
    if answer is None:
        raise Http404
    return answer


def checklists_for(user) -> QuerySet[ChecklistTemplate]:
    qs = ChecklistTemplate.objects.select_related("client").annotate(item_count=Count("items"))
    if sees_everything(user):
        return qs
    me = person_of(user)
    if me is None:
        return qs.none()
    if me.role in CLIENT_ROLES:
        return qs.filter(Q(client=me.client_id) | Q(client__isnull=True))
    return qs


def can_edit_checklists(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or role_of(user) in CHECKLIST_EDITORS


def can_spot_check(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or role_of(user) in SPOT_CHECKERS


def plans_for(user) -> QuerySet[Plan]:
    qs = Plan.objects.select_related("client", "unit")
    me = person_of(user)
    if sees_everything(user):
        return qs
    if me is None or me.role == Role.VENDOR_CONTACT:
        return qs.none()
    if me.role in CLIENT_ROLES:
        return qs.filter(Q(client=me.client_id) | Q(client__isnull=True))
    return qs


def skips_for(user) -> QuerySet[SkipRequest]:
    """Skip requests: the approver's, and those of the tickets the user sees."""
    me = person_of(user)
    qs = SkipRequest.objects.select_related(
        "ticket__asset", "requested_by", "approver", "decided_by"
    )
    if me is None and not sees_everything(user):
        return qs.none()
    visible = Q(ticket__in=tickets_for(user).values("pk"))
    return qs.filter(visible | Q(approver=me)) if me is not None else qs.filter(visible)


def access_skip(user, pk: int) -> SkipRequest:
    skip = skips_for(user).filter(pk=pk).first()
    if skip is None:
        raise Http404
    return skip


def spot_checks_for(user) -> QuerySet[SpotCheck]:
    qs = SpotCheck.objects.select_related(
        "ticket__asset__unit", "ticket__engineer", "checked_by", "supervisor"
    )
    if can_spot_check(user):
        return qs
    me = person_of(user)
    if me is None:
        return qs.none()
    # The area supervisor sees the findings sent to him and those of his area.
    return qs.filter(Q(supervisor=me) | Q(ticket__in=tickets_for(user).values("pk")))


def access_spot_check(user, pk: int) -> SpotCheck:
    check = spot_checks_for(user).filter(pk=pk).first()
    if check is None:
        raise Http404
    return check


# --- completion (KPI-10, dashboards) -------------------------------------------------------------


def _due_between(start: date, end: date) -> QuerySet[Ticket]:
    return Ticket.objects.filter(due_on__gte=start, due_on__lte=end)


def completion_by_person(person_ids, start: date, end: date) -> dict[int, tuple[int, int]]:
    """KPI-10: per engineer, (done, planned) of the tickets due between start and end. A skip
    the area supervisor approved (INS-01) is not planned any more. One query."""
    rows = (
        _due_between(start, end)
        .filter(engineer_id__in=list(person_ids))
        .exclude(status=Ticket.Status.SKIPPED)
        .values("engineer_id")
        .annotate(
            done=Count("pk", filter=Q(status=Ticket.Status.DONE)),
            planned=Count("pk"),
        )
    )
    result = {pk: (0, 0) for pk in person_ids}
    for row in rows:
        result[row["engineer_id"]] = (row["done"], row["planned"])
    return result


def completion_by_plan(start: date, end: date, tickets: QuerySet[Ticket] | None = None):
    """Per plan (special inspections under None): (done, planned, missed) of the tickets due
    between start and end, within `tickets` (a scoped queryset) if given."""
    qs = tickets if tickets is not None else Ticket.objects.all()
    rows = (
        qs.filter(due_on__gte=start, due_on__lte=end)
        .exclude(status=Ticket.Status.SKIPPED)
        .values("plan_id")
        .annotate(
            done=Count("pk", filter=Q(status=Ticket.Status.DONE)),
            planned=Count("pk"),
        )
    )
    return {row["plan_id"]: (row["done"], row["planned"]) for row in rows}


def completion_by_station(start: date, end: date) -> dict[int | None, tuple[int, int]]:
    """Per station of the asset (None: no station), (done, planned) of the tickets due between
    start and end; approved skips are not planned. One query (dashboards)."""
    rows = (
        _due_between(start, end)
        .exclude(status=Ticket.Status.SKIPPED)
        .values("asset__station_id")
        .annotate(
            done=Count("pk", filter=Q(status=Ticket.Status.DONE)),
            planned=Count("pk"),
        )
    )
    return {row["asset__station_id"]: (row["done"], row["planned"]) for row in rows}


def missed_by_person(person_ids, start: date, end: date, *, today: date | None = None):
    """KPI-10: per engineer, how many inspections due between start and end were missed."""
    rows = (
        missed(start, end, today=today)
        .filter(engineer_id__in=list(person_ids))
        .order_by()
        .values("engineer_id")
        .annotate(n=Count("pk"))
    )
    result = {pk: 0 for pk in person_ids}
    for row in rows:
        result[row["engineer_id"]] = row["n"]
    return result


def missed(start: date, end: date, *, today: date | None = None) -> QuerySet[Ticket]:
    """Missed inspections, facts for assessment: due between start and end, the due day passed
    (before `today`), neither done nor skipped with approval."""
    from core import clock

    today = today or clock.today()
    return (
        _due_between(start, end)
        .filter(status=Ticket.Status.OPEN, due_on__lt=today)
        .select_related("asset", "engineer", "plan")
        .order_by("due_on", "pk")
    )
