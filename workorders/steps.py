"""A lifecycle step by name, as the phone page and the API send it: checks that the inputs the
step needs are there and calls the one service that takes it (workorders/services/)."""

from datetime import datetime

from django.utils.translation import gettext as _

from core.errors import DomainError
from people.models import Person
from workorders import services
from workorders.models import Order

SIMPLE_STEPS = {"on_the_way", "arrive", "resolve", "feedback", "follow_up"}


def take_named_step(
    order: Order,
    step: str,
    *,
    by: Person,
    outcome: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    note: str = "",
    cause_class: str | None = None,
    case_report: str = "",
) -> Order:
    """Take `step` on the order. Errors are DomainErrors naming the input at fault ("state"
    when the step is not allowed now, e.g. "arrive" before "contact")."""
    note = note or ""
    if step == "contact":  # the service refuses a wrong state first, then a missing outcome
        return services.log_contact(order, by=by, outcome=outcome or "", note=note)
    if step == "appoint":
        if start is None or end is None:
            services._check_step(order, "appoint")  # a wrong state is the clearer error
            raise DomainError(
                _("Give the start and the end of the appointment."),
                field="start" if start is None else "end",
            )
        return services.agree_appointment(order, by=by, start=start, end=end)
    if step in SIMPLE_STEPS:
        return services.take_step(order, step, by=by, note=note)
    if step == "escalate":
        return services.escalate_to_tech(order, by=by, note=note)
    if step == "not_complete":
        try:
            return services.mark_not_completed(order, by=by, reason=note)
        except DomainError as exc:
            if exc.field == "reason":  # the reason travels in `note`
                raise DomainError(exc.message, field="note") from None
            raise
    if step == "close":
        return services.close_order(
            order, by=by, cause_class=cause_class or "", case_report=case_report or ""
        )
    if step == "weekly_report":  # WO-14
        return services.record_weekly_report(order, by=by, text=note)
    if step == "notify_ops":
        return services.cs_notify_ops(order, by=by)
    if step == "notify_station":
        return services.ops_notify_station(order, by=by)
    raise DomainError(_("Unknown step."), field="step")
