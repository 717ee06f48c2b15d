"""Who approves: the approver roles of leave.rules resolved to people of the organisation."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import DomainError
from leave import rules
from people.models import Person
from people.roles import Role


def _nearest_in_units(person: Person, role: str) -> Person | None:
    """An active person with `role` in the person's unit, else the closest unit above it."""
    if person.unit_id is None:
        return None
    unit_ids = [int(p) for p in person.unit.path.strip("/").split("/") if p][::-1]
    found = {
        p.unit_id: p
        for p in Person.objects.filter(unit_id__in=unit_ids, role=role, active=True)
        .exclude(pk=person.pk)
        .order_by("-pk")
    }
    return next((found[u] for u in unit_ids if u in found), None)


def _team_leader(person: Person) -> Person | None:
    return person.team.leader if person.team_id and person.team.leader_id else None


def _client_pic(person: Person) -> Person | None:
    if person.client_id is None:
        return None
    return (
        Person.objects.filter(client_id=person.client_id, role=Role.CLIENT_PIC, active=True)
        .exclude(pk=person.pk)
        .order_by("pk")
        .first()
    )


def _ops_manager(person: Person) -> Person | None:
    return (
        Person.objects.filter(role=Role.OPS_MANAGER, active=True)
        .exclude(pk=person.pk)
        .order_by("pk")
        .first()
    )


def _station_head(person: Person) -> Person | None:
    return _nearest_in_units(person, Role.STATION_HEAD)


def _station_manager(person: Person) -> Person | None:
    # 站长 and 区站经理 share one line in RULES §1: a station manager heads a station too.
    return _nearest_in_units(person, Role.STATION_MANAGER)


def _manager(person: Person) -> Person | None:
    return person.manager if person.manager_id else None


_HEAD = [_station_head, _manager, _station_manager, _ops_manager]
RESOLVERS = {
    rules.Approver.GROUP_LEADER: [
        _team_leader,
        _manager,
        _station_head,
        _station_manager,
        _ops_manager,
    ],
    rules.Approver.CLIENT_PIC: [_client_pic, _ops_manager],
    rules.Approver.STATION_HEAD: _HEAD,
    rules.Approver.UNIT_LEADER: _HEAD,
}
APPROVER_LABELS = {
    rules.Approver.GROUP_LEADER: gettext_lazy("group leader"),
    rules.Approver.CLIENT_PIC: gettext_lazy("client's person in charge"),
    rules.Approver.STATION_HEAD: gettext_lazy("station head"),
    rules.Approver.UNIT_LEADER: gettext_lazy("requesting unit's leader"),
}


def resolve_approver(person: Person, who: rules.Approver) -> Person | None:
    """The first resolver that finds an active person other than the applicant: nobody
    approves his own request, so a group leader's leave goes to his manager or station head."""
    for resolver in RESOLVERS[who]:
        candidate = resolver(person)
        if candidate is not None and candidate.pk != person.pk and candidate.active:
            return candidate
    return None


def resolve_chain(person: Person, chain: list[rules.StepSpec]) -> list[tuple[Person, str]]:
    """(approver, basis) per step; one person holding two roles on the chain decides once."""
    steps: list[tuple[Person, str]] = []
    for spec in chain:
        approver = resolve_approver(person, spec.who)
        if approver is None:
            raise DomainError(
                _(
                    "{rule}: nobody can approve this as {who}. Ask an administrator to set the "
                    "team leader, manager or client contact."
                ).format(rule=spec.basis_rule_id, who=APPROVER_LABELS[spec.who])
            )
        for index, (existing, basis) in enumerate(steps):
            if existing.pk == approver.pk:
                steps[index] = (existing, f"{basis}; {spec.basis}"[:120])
                break
        else:
            steps.append((approver, spec.basis))
    return steps
