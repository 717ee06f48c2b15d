from datetime import date

from ninja import Field, Schema

from core.pagination import Id
from core.schemas import Strict


class CompanyOut(Schema):
    id: int
    name: str
    short_name: str
    kind: str


class UnitOut(Schema):
    id: int
    name: str
    code: str
    kind: str
    parent_id: int | None
    client_id: int | None
    path: str


class TeamOut(Schema):
    id: int
    name: str
    unit_id: int
    leader_id: int | None


class PersonOut(Schema):
    id: int
    name: str
    staff_no: str
    phone: str | None
    role: str
    role_label: str
    employment_type: str
    employer_id: int
    client_id: int | None
    unit_id: int | None
    team_id: int | None
    manager_id: int | None
    active: bool
    hired_on: date | None
    skills: list[str] = Field(default_factory=list)
    zone_ids: list[int] = Field(default_factory=list)

    @staticmethod
    def resolve_role_label(obj) -> str:
        return str(obj.get_role_display())

    @staticmethod
    def resolve_skills(obj) -> list[str]:
        return [s.name for s in obj.skills.all()]

    @staticmethod
    def resolve_zone_ids(obj) -> list[int]:
        return [z.pk for z in obj.zones.all()]


class PersonPatch(Strict):
    name: str | None = Field(None, min_length=1, max_length=60)
    phone: str | None = Field(None, max_length=20)
    role: str | None = None
    employment_type: str | None = None
    unit_id: Id | None = None
    team_id: Id | None = None
    manager_id: Id | None = None
    active: bool | None = None
    skill_ids: list[Id] | None = Field(None, max_length=100)
    zone_ids: list[Id] | None = Field(None, max_length=100)


class CustomerOut(Schema):
    id: int
    name: str
    account_no: str
    phone: str
    address: str
    unit_id: int
    client_id: int | None

    @staticmethod
    def resolve_phone(obj, context) -> str:
        from people.queries import customer_phone_for

        return customer_phone_for(context["request"].auth, obj)


class PeopleFilters(Strict):
    q: str | None = Field(None, max_length=100)
    unit_id: Id | None = None
    team_id: Id | None = None
    role: str | None = None
    employment_type: str | None = None
    active: bool | None = None
