"""Reads scoped by role and place in the organisation. Anything outside a user's scope is 404."""

from django.db.models import Q, QuerySet
from django.http import Http404

from people.models import Company, Customer, OrgUnit, Person, Team
from people.roles import (
    AUDIT_READERS,
    CLIENT_ROLES,
    COMPANY_WIDE,
    FULL_PHONE_ROLES,
    PEOPLE_EDITORS,
    POLICY_EDITORS,
    POLICY_READERS,
    UNIT_WIDE,
    Role,
)
from people.rules import masked_phone


def person_of(user) -> Person | None:
    """The Person behind a login, or None (a bare superuser has none)."""
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.person
    except Person.DoesNotExist:
        return None


def role_of(user) -> str | None:
    person = person_of(user)
    return person.role if person else None


def sees_everything(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or role_of(user) in COMPANY_WIDE


def people_for(user) -> QuerySet[Person]:
    """People the user may see: company-wide roles all, unit roles their subtree, a group leader
    his team, client roles the staff serving their company, a vendor contact his company's staff,
    an engineer himself."""
    qs = Person.objects.select_related("unit", "team", "employer", "client", "manager")
    me = person_of(user)
    if sees_everything(user):
        return qs
    if me is None:
        return qs.none()
    if me.role in UNIT_WIDE and me.unit_id:
        return qs.filter(unit__path__startswith=me.unit.path)
    if me.role == Role.GROUP_LEADER:
        return qs.filter(Q(pk=me.pk) | Q(team__leader=me) | Q(team=me.team_id, team__isnull=False))
    if me.role in CLIENT_ROLES and me.client_id:
        return qs.filter(Q(client=me.client_id) | Q(pk=me.pk))
    if me.role == Role.VENDOR_CONTACT:
        return qs.filter(employer=me.employer_id)
    return qs.filter(pk=me.pk)


def access_person(user, pk: int) -> Person:
    person = people_for(user).filter(pk=pk).first()
    if person is None:
        raise Http404
    return person


def units_for(user) -> QuerySet[OrgUnit]:
    """Organisation units the user may see: the whole tree for staff of the operating company,
    the client's units for client roles, the units where his staff work for a vendor contact."""
    qs = OrgUnit.objects.select_related("parent", "client")
    me = person_of(user)
    if sees_everything(user):
        return qs
    if me is None:
        return qs.none()
    if me.role in CLIENT_ROLES:
        return qs.filter(client=me.client_id) if me.client_id else qs.none()
    if me.role == Role.VENDOR_CONTACT:
        return qs.filter(people__employer=me.employer_id).distinct()
    if me.unit_id is None:
        return qs.none()
    if me.role in UNIT_WIDE:
        return qs.filter(path__startswith=me.unit.path)
    # Engineers and group leaders: their own unit, the units above it and their zones.
    ancestors = [int(p) for p in me.unit.path.strip("/").split("/") if p]
    return qs.filter(Q(pk__in=ancestors) | Q(responsible=me)).distinct()


def access_unit(user, pk: int) -> OrgUnit:
    unit = units_for(user).filter(pk=pk).first()
    if unit is None:
        raise Http404
    return unit


def teams_for(user) -> QuerySet[Team]:
    qs = Team.objects.select_related("unit", "leader")
    if sees_everything(user):
        return qs
    return qs.filter(unit__in=units_for(user).values("pk"))


def companies_for(user) -> QuerySet[Company]:
    me = person_of(user)
    if sees_everything(user):
        return Company.objects.all()
    if me is None:
        return Company.objects.none()
    return Company.objects.filter(pk__in=[pk for pk in (me.employer_id, me.client_id) if pk])


def customers_for(user) -> QuerySet[Customer]:
    """Customers: desk roles all, unit roles their subtree, engineers their unit and zones,
    client roles their company's; vendor contacts none."""
    qs = Customer.objects.select_related("unit", "client")
    me = person_of(user)
    if sees_everything(user):
        return qs
    if me is None or me.role == Role.VENDOR_CONTACT:
        return qs.none()
    if me.role in CLIENT_ROLES:
        return qs.filter(client=me.client_id) if me.client_id else qs.none()
    if me.unit_id is None:
        return qs.none()
    if me.role in UNIT_WIDE:
        return qs.filter(unit__path__startswith=me.unit.path)
    zone_paths = list(me.zones.values_list("path", flat=True))
    condition = Q(unit__path__startswith=me.unit.path)
    for path in zone_paths:
        condition |= Q(unit__path__startswith=path)
    return qs.filter(condition)


def access_customer(user, pk: int) -> Customer:
    customer = customers_for(user).filter(pk=pk).first()
    if customer is None:
        raise Http404
    return customer


def customer_phone_for(user, customer: Customer) -> str:
    """SEC-05: the full number only for roles that call customers from the desk."""
    if getattr(user, "is_superuser", False) or role_of(user) in FULL_PHONE_ROLES:
        return customer.phone
    return masked_phone(customer.phone)


def can_edit_person(user, person: Person) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    me = person_of(user)
    if me is None or me.role not in PEOPLE_EDITORS:
        return False
    return people_for(user).filter(pk=person.pk).exists()


def can_edit_policy(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or role_of(user) in POLICY_EDITORS


def can_read_policy(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or role_of(user) in POLICY_READERS


def can_read_audit(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or role_of(user) in AUDIT_READERS
