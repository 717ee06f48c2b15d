"""Writes to people and organisation, each in a transaction with an audit entry."""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import audit
from core.errors import DomainError
from people.models import Person
from people.queries import person_of
from people.roles import COMPANY_WIDE, Role

M2M_FIELDS = {"skills", "zones"}


def assignable_roles(user) -> list[str]:
    """Roles an editor may give: company-wide roles only by the operations manager, HR or admin."""
    if getattr(user, "is_superuser", False):
        return list(Role.values)
    me = person_of(user)
    if me is None:
        return []
    if me.role in {Role.OPS_MANAGER, Role.HR_ADMIN}:
        return list(Role.values)
    return [r for r in Role.values if r not in COMPANY_WIDE and r != Role.STATION_MANAGER]


def _check_role(role: str, *, by) -> None:
    if role not in assignable_roles(by):
        raise DomainError(
            _("You may not give the role {role}.").format(role=Role(role).label), field="role"
        )


def _full_clean(person: Person) -> None:
    """Model validation as a DomainError naming the first field at fault."""
    try:
        person.full_clean(exclude=["user"])
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise DomainError(messages[0], field=None if field == NON_FIELD_ERRORS else field) from None


@transaction.atomic
def update_person(person: Person, *, by, changes: dict[str, Any]) -> Person:
    """Apply field changes (including many-to-many skills/zones) and record before/after."""
    if "role" in changes and changes["role"] != person.role:
        _check_role(changes["role"], by=by)
        if person.role not in assignable_roles(by):
            raise DomainError(_("You may not change the role of this person."), field="role")
    before = audit.snapshot(person)
    for name, value in changes.items():
        if name not in M2M_FIELDS:
            setattr(person, name, value)
    _full_clean(person)
    person.save()
    for name in M2M_FIELDS & changes.keys():
        getattr(person, name).set(changes[name])
    if "phone" in changes or "active" in changes:
        person.user.is_active = person.active
        person.user.save(update_fields=["is_active"])
    after = audit.snapshot(person)
    delta = audit.diff(before, after)
    if delta:
        audit.record(person, "people.person.updated", by=by, changes=delta)
    return person


@transaction.atomic
def create_person(*, by, username: str, password: str, fields: dict[str, Any]) -> Person:
    """Create a login and its person; the password is hashed with Argon2."""
    User = get_user_model()
    username = (username or "").strip()
    if not username:
        raise DomainError(_("A username is required."), field="username")
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(_("This username is taken."), field="username")
    _check_role(fields.get("role", ""), by=by)
    user = User.objects.create_user(username=username, password=password)
    m2m = {k: fields.pop(k) for k in list(fields) if k in M2M_FIELDS}
    person = Person(user=user, **fields)
    _full_clean(person)
    person.save()
    for name, value in m2m.items():
        getattr(person, name).set(value)
    audit.record(
        person, "people.person.created", by=by, changes=audit.diff({}, audit.snapshot(person))
    )
    return person
