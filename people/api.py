"""People, organisation and customers over the API, scoped like the pages (outsiders get 404)."""

from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.pagination import paginate

from core.errors import DomainError
from core.pagination import Id, Pagination
from people.models import Skill
from people.queries import (
    access_person,
    can_edit_person,
    companies_for,
    customers_for,
    people_for,
    person_of,
    teams_for,
    units_for,
)
from people.roles import EmploymentType, Role
from people.schemas import (
    CompanyOut,
    CustomerOut,
    PeopleFilters,
    PersonOut,
    PersonPatch,
    TeamOut,
    UnitOut,
)
from people.services import update_person

router = Router(tags=["people"])


@router.get("/me", response=PersonOut, summary="The person behind the credentials")
def me(request):
    person = person_of(request.auth)
    if person is None:
        raise Http404
    return person


@router.get("/people", response=list[PersonOut])
@paginate(Pagination)
def list_people(request, filters: Query[PeopleFilters]):
    people = people_for(request.auth).prefetch_related("skills", "zones").order_by("staff_no")
    if filters.q:
        people = people.filter(Q(name__icontains=filters.q) | Q(staff_no__icontains=filters.q))
    if filters.unit_id:
        unit = units_for(request.auth).filter(pk=filters.unit_id).first()
        people = people.filter(unit__path__startswith=unit.path) if unit else people.none()
    for name in ("team_id", "role", "employment_type", "active"):
        value = getattr(filters, name)
        if value is not None:
            people = people.filter(**{name: value})
    return people


@router.get("/people/{int:person_id}", response=PersonOut)
def get_person(request, person_id: Id):
    return access_person(request.auth, person_id)


@router.patch("/people/{int:person_id}", response=PersonOut)
def patch_person(request, person_id: Id, payload: PersonPatch):
    person = access_person(request.auth, person_id)
    if not can_edit_person(request.auth, person):
        raise DomainError(_("You may not edit this person."))
    data = payload.model_dump(exclude_unset=True)
    changes: dict = {}
    for key, value in data.items():
        if key == "role" and value not in Role.values:
            raise DomainError(_("Unknown role."), field="role")
        if key == "employment_type" and value not in EmploymentType.values:
            raise DomainError(_("Unknown employment type."), field="employment_type")
        if key == "unit_id":
            if value is not None and not units_for(request.auth).filter(pk=value).exists():
                raise DomainError(_("Unknown organisation unit."), field="unit_id")
            changes["unit_id"] = value
        elif key == "team_id":
            if value is not None and not teams_for(request.auth).filter(pk=value).exists():
                raise DomainError(_("Unknown team."), field="team_id")
            changes["team_id"] = value
        elif key == "manager_id":
            if value is not None and not people_for(request.auth).filter(pk=value).exists():
                raise DomainError(_("Unknown person."), field="manager_id")
            changes["manager_id"] = value
        elif key == "skill_ids":
            skills = list(Skill.objects.filter(pk__in=value or []))
            if len(skills) != len(set(value or [])):
                raise DomainError(_("Unknown skill."), field="skill_ids")
            changes["skills"] = skills
        elif key == "zone_ids":
            zones = list(units_for(request.auth).filter(pk__in=value or []))
            if len(zones) != len(set(value or [])):
                raise DomainError(_("Unknown organisation unit."), field="zone_ids")
            changes["zones"] = zones
        else:
            changes[key] = value
    update_person(person, by=request.auth, changes=changes)
    return access_person(request.auth, person.pk)


@router.get("/org/companies", response=list[CompanyOut])
@paginate(Pagination)
def list_companies(request):
    return companies_for(request.auth)


@router.get("/org/units", response=list[UnitOut])
@paginate(Pagination)
def list_units(request, kind: str | None = None, parent_id: Id | None = None):
    units = units_for(request.auth).order_by("path")
    if kind:
        units = units.filter(kind=kind)
    if parent_id:
        units = units.filter(parent_id=parent_id)
    return units


@router.get("/org/teams", response=list[TeamOut])
@paginate(Pagination)
def list_teams(request, unit_id: Id | None = None):
    teams = teams_for(request.auth)
    return teams.filter(unit_id=unit_id) if unit_id else teams


@router.get("/customers", response=list[CustomerOut])
@paginate(Pagination)
def list_customers(request, q: str | None = None, unit_id: Id | None = None):
    customers = customers_for(request.auth).order_by("account_no")
    if q:
        customers = customers.filter(Q(name__icontains=q) | Q(account_no__icontains=q))
    if unit_id:
        customers = customers.filter(unit_id=unit_id)
    return customers
