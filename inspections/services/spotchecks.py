"""CB-03: the dispatch centre calls back on a random sample of done inspection tickets; a ticket
that does not match reality is a finding for the area supervisor's scheme."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import audit, clock
from core.errors import DomainError
from core.policy import policy_for
from inspections import rules
from inspections.models import SpotCheck, Ticket
from inspections.services.common import area_supervisor_for
from notifications.services import notify
from people.models import Person


def sample_for_spot_check(ticket: Ticket) -> SpotCheck | None:
    """Put a done ticket on the dispatch centre's call list if it falls in the sample."""
    percent = policy_for(ticket.asset.client_id, on=clock.today())["cb.spot_check_percent"]
    if not rules.in_spot_check_sample(ticket.pk, percent):
        return None
    check, _created = SpotCheck.objects.get_or_create(
        ticket=ticket, defaults={"sampled_at": clock.now()}
    )
    return check


@transaction.atomic
def record_spot_check(check: SpotCheck, *, by: Person, matched: bool, note: str = "") -> SpotCheck:
    """Record the callback. A mismatch is a finding: audited and sent to the area supervisor."""
    check = (
        SpotCheck.objects.select_for_update(of=("self",))
        .select_related("ticket__asset__unit")
        .get(pk=check.pk)
    )
    if check.result != SpotCheck.Result.PENDING:
        raise DomainError(_("This spot check was already recorded."), field="result")
    if not matched and not note.strip():
        raise DomainError(_("Say what did not match."), field="note")
    ticket = check.ticket
    check.result = SpotCheck.Result.MATCH if matched else SpotCheck.Result.MISMATCH
    check.checked_by = by
    check.checked_at = clock.now()
    check.note = note.strip()[:500]
    if not matched:
        check.supervisor = area_supervisor_for(ticket.asset.unit)
    check.save()
    audit.record(
        check,
        "inspections.spotcheck.matched" if matched else "inspections.spotcheck.mismatch",
        by=by,
        data={
            "rule": "CB-03",
            "ticket": ticket.pk,
            "engineer": ticket.engineer,
            "note": check.note,
            "supervisor": check.supervisor,
        },
    )
    if not matched and check.supervisor is not None:
        notify(
            check.supervisor,
            event="inspections.spotcheck.mismatch",
            title=gettext_lazy("Spot check: the inspection of {asset} by {name} did not match"),
            body=gettext_lazy("The callback found: {note}"),
            params={"asset": ticket.asset.name, "name": ticket.engineer.name, "note": check.note},
            url=reverse("inspections:ticket", args=[ticket.pk]),
            unit=ticket.asset.unit,
        )
    return check
