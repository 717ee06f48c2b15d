"""How orders, steps, events, breaches and clocks are named on the pages (English msgids,
translated per request), and one timeline event described in words."""

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from workorders.models import CauseClass

STEP_BUTTONS = {
    "contact": gettext_lazy("Log call"),
    "appoint": gettext_lazy("Agree appointment"),
    "on_the_way": gettext_lazy("On my way"),
    "arrive": gettext_lazy("Arrived"),
    "resolve": gettext_lazy("Resolved"),
    "escalate": gettext_lazy("Can't fix: escalate"),
    "not_complete": gettext_lazy("Not completed"),
    "feedback": gettext_lazy("Feedback to customer service"),
    "close": gettext_lazy("Close order"),
    "follow_up": gettext_lazy("Follow-up call done"),
    "notify_ops": gettext_lazy("Notify operations manager"),
    "notify_station": gettext_lazy("Notify station"),
    "weekly_report": gettext_lazy("Weekly service report"),
}
EVENT_LABELS = {
    "created": gettext_lazy("Order taken"),
    "critical_reported": gettext_lazy("Critical problem reported (WO-09)"),
    "dispatched": gettext_lazy("Dispatched"),
    "reassigned": gettext_lazy("Reassigned"),
    "call": gettext_lazy("Call to the customer"),
    "appointment": gettext_lazy("Appointment agreed (WO-07)"),
    "on_the_way": gettext_lazy("On the way"),
    "arrive": gettext_lazy("Arrived on site"),
    "resolve": gettext_lazy("Resolved"),
    "escalated": gettext_lazy("Escalated to technical support (WO-06)"),
    "not_completed": gettext_lazy("Not completed"),
    "feedback": gettext_lazy("Feedback to customer service"),
    "closed": gettext_lazy("Closed"),
    "follow_up": gettext_lazy("Follow-up call (WO-11)"),
    "chain_notice_cs": gettext_lazy("Customer service alerted: customer not contacted (WO-05)"),
    "chain_notice_ops": gettext_lazy("Operations manager alerted (WO-05)"),
    "chain_cs_notified_ops": gettext_lazy(
        "Customer service notified the operations manager (WO-05)"
    ),
    "chain_ops_notified_station": gettext_lazy("Operations manager notified the station (WO-05)"),
    "breach": gettext_lazy("SLA breach recorded"),
    "retry_reminder": gettext_lazy("Reminder: call the customer again (WO-05)"),
    "customer_notice": gettext_lazy("Customer told (WO-15)"),
    "weekly_report": gettext_lazy("Weekly service report to the customer (WO-14)"),
    "weekly_report_reminder": gettext_lazy("Reminder: weekly service report due (WO-14)"),
}
BREACH_LABELS = {
    "contact_late": gettext_lazy("Customer not contacted in time"),
    "response_late": gettext_lazy("No response in time"),
    "on_site_late": gettext_lazy("Not on site in time"),
    "complete_late": gettext_lazy("Not completed in time"),
    "cs_notify_late": gettext_lazy("Operations manager not notified in time"),
    "chain_fine": gettext_lazy("Escalation chain fine"),
    "retry_missed": gettext_lazy("Contact attempt not made when due"),
}
CLOCK_LABELS = {
    "contact": gettext_lazy("Contact the customer"),
    "on_site": gettext_lazy("On site"),
    "complete": gettext_lazy("Completed"),
    "chain": gettext_lazy("Next escalation step"),
    "follow_up": gettext_lazy("Follow-up call"),
    "retry": gettext_lazy("Next contact attempt"),
    "weekly_report": gettext_lazy("Weekly service report"),
}
HAND_IN_LABELS = {  # WO-12
    "handed_in": gettext_lazy("Handed in"),
    "late": gettext_lazy("Handed in late"),
    "open": gettext_lazy("Not handed in yet"),
    "missing": gettext_lazy("Not handed in"),
    "none": gettext_lazy("No events"),
}
OUTCOME_LABELS = {
    "reached": gettext_lazy("Reached"),
    "no_answer": gettext_lazy("No answer"),
    "busy": gettext_lazy("Busy"),
    "wrong_number": gettext_lazy("Wrong number"),
}
REGISTRATION_LABELS = {
    "name": gettext_lazy("Subscriber name"),
    "id_number": gettext_lazy("ID card number"),
    "package": gettext_lazy("Package"),
    "phone": gettext_lazy("Contact phone"),
    "address": gettext_lazy("Installation address"),
    "preferred_time": gettext_lazy("Preferred visit time"),
}


def breach_label(kind: str) -> str:
    """A breach kind in words; numbered kinds (retry_missed_2) by their stem."""
    stem = kind.rsplit("_", 1)[0] if kind.startswith("retry_missed_") else kind
    return str(BREACH_LABELS.get(stem, kind))


def _local(value: str) -> str:
    try:
        return timezone.localtime(datetime.fromisoformat(value)).strftime("%Y-%m-%d %H:%M")
    except (TypeError, ValueError):
        return str(value or "")


def event_detail(event) -> str:
    data = event.data or {}
    kind = event.kind
    if kind == "call":
        return str(OUTCOME_LABELS.get(data.get("outcome"), data.get("outcome", "")))
    if kind == "dispatched":
        return _("to {name}").format(name=data.get("engineer", ""))
    if kind == "reassigned":
        return _("from {previous} to {name}").format(
            previous=data.get("previous") or "—", name=data.get("engineer", "")
        )
    if kind == "appointment":
        return f"{_local(data.get('start'))} – {_local(data.get('end'))[-5:]}"
    if kind == "breach":
        text = _("{rule}: {what}; {person}; due {due}").format(
            rule=data.get("rule", ""),
            what=breach_label(data.get("breach") or ""),
            person=data.get("person") or "—",
            due=_local(data.get("due")),
        )
        if data.get("amount") not in (None, "", "0", "0.00"):
            text += " · " + _("fine {amount} CNY").format(amount=data["amount"])
        return text
    if kind == "retry_reminder":
        return _("to {name}; due {due}").format(
            name=data.get("to") or "—", due=_local(data.get("due"))
        )
    if kind in ("chain_notice_cs", "chain_notice_ops"):
        return _("to {name}").format(name=data.get("to", ""))
    if kind == "chain_cs_notified_ops":
        return _("to {name}").format(name=data.get("ops") or "—")
    if kind == "chain_ops_notified_station":
        return _("to {name}").format(name=", ".join(data.get("notified") or []) or "—")
    if kind == "closed" and data.get("cause"):
        return str(CauseClass(data["cause"]).label) if data["cause"] in CauseClass.values else ""
    if kind == "critical_reported":
        return _("{count} people told").format(count=len(data.get("notified") or []))
    return ""
