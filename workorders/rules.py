"""Work-order decisions (RULES §4): SLA deadlines, legal steps, the WO-05 escalation chain and
what falls due when. Pure: facts and policy in, decision out."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal

CUSTOMER_KINDS = {"install", "repair", "renewal"}  # WO-01 applies to these


@dataclass(frozen=True)
class SlaPolicy:
    contact_within: timedelta = timedelta(minutes=10)  # WO-01
    on_site_within: timedelta = timedelta(minutes=60)  # WO-02
    install_within: timedelta = timedelta(days=2)  # WO-03
    general_fault_within: timedelta = timedelta(hours=24)  # WO-04
    major_fault_within: timedelta = timedelta(hours=72)  # WO-04
    cs_notify_within: timedelta = timedelta(minutes=5)  # WO-05
    chain_contact_within: timedelta = timedelta(minutes=5)  # WO-05
    chain_fine: Decimal = Decimal("200")  # WO-05
    response_within: timedelta = timedelta(minutes=10)  # WO-08
    follow_up_within: timedelta = timedelta(days=3)  # WO-11
    slot: timedelta = timedelta(minutes=60)  # WO-07
    contact_retry: timedelta = timedelta(0)  # WO-05 variant: 0 = no repeated attempts
    weekly_report_after: timedelta = timedelta(days=7)  # WO-14

    @classmethod
    def from_policy(cls, policy) -> "SlaPolicy":
        return cls(
            contact_within=policy.duration("wo.contact_within_minutes"),
            on_site_within=policy.duration("wo.repair_on_site_minutes"),
            install_within=policy.duration("wo.install_within_days"),
            general_fault_within=policy.duration("wo.general_fault_hours"),
            major_fault_within=policy.duration("wo.major_fault_hours"),
            cs_notify_within=policy.duration("wo.cs_notify_ops_minutes"),
            chain_contact_within=policy.duration("wo.chain_contact_minutes"),
            chain_fine=policy["wo.chain_fine"],
            response_within=policy.duration("wo.fault_response_minutes"),
            follow_up_within=policy.duration("wo.follow_up_days"),
            slot=policy.duration("wo.appointment_slot_minutes"),
            contact_retry=policy.duration("wo.contact_retry_hours"),
            weekly_report_after=policy.duration("wo.weekly_report_after_days"),
        )


@dataclass(frozen=True)
class Deadlines:
    contact: datetime | None = None  # WO-01 / WO-08
    on_site: datetime | None = None  # WO-02
    complete: datetime | None = None  # WO-03 / WO-04


def deadlines(
    kind: str,
    *,
    dispatched_at: datetime,
    fault_class: str = "",
    support_kind: str = "",
    agreed_end: datetime | None = None,
    policy: SlaPolicy,
) -> Deadlines:
    """The SLA clocks started by a dispatch.

    WO-01 contact within 10 min (install, repair, renewal); WO-08 response within 10 min (support
    fault tasks); WO-02 a repair on site within 1 h; WO-03 an install done within 2 days or by the
    time agreed with the customer; WO-04 a general fault cleared within 24 h, a major one in 72 h.
    """
    contact = on_site = complete = None
    if kind in CUSTOMER_KINDS:
        contact = dispatched_at + policy.contact_within
    elif kind == "support" and support_kind == "fault":
        contact = dispatched_at + policy.response_within
    if kind == "repair":
        on_site = dispatched_at + policy.on_site_within
        if fault_class:
            within = (
                policy.major_fault_within if fault_class == "major" else policy.general_fault_within
            )
            complete = dispatched_at + within
    if kind == "install":
        complete = agreed_end if agreed_end is not None else dispatched_at + policy.install_within
    return Deadlines(contact, on_site, complete)


def contact_rule(kind: str) -> str:
    return "WO-08" if kind == "support" else "WO-01"


def complete_rule(kind: str) -> str:
    return "WO-03" if kind == "install" else "WO-04"


# Lifecycle: which step may follow which state. Inspection and support tasks have no customer
# call to make first, so they may go on the way or arrive straight after dispatch.
STEPS: dict[str, set[str]] = {
    "dispatch": {
        "new",
        "dispatched",
        "contacted",
        "appointed",
        "not_completed",
    },  # also reassignment
    "contact": {"dispatched", "contacted", "appointed", "not_completed"},
    "appoint": {"contacted", "appointed", "not_completed"},
    "on_the_way": {"contacted", "appointed", "not_completed"},
    "arrive": {"contacted", "appointed", "on_the_way", "not_completed"},
    "resolve": {"arrived", "escalated"},
    "escalate": {"arrived", "on_the_way", "contacted", "appointed"},
    "not_complete": {"arrived", "escalated"},
    "feedback": {"resolved"},
    "close": {"feedback", "resolved"},
    "follow_up": {"closed"},
    "cancel": {"new", "dispatched", "contacted", "appointed"},
    "weekly_report": {"arrived", "escalated", "not_completed"},  # WO-14: work on site goes on
}
NO_CONTACT_KINDS = {"inspection", "support"}


def step_allowed(step: str, *, state: str, kind: str) -> bool:
    """Whether `step` may be taken in `state` (e.g. "arrive" before "contact" is not)."""
    allowed = STEPS.get(step, set())
    if kind in NO_CONTACT_KINDS and step in {"on_the_way", "arrive"}:
        allowed = allowed | {"dispatched"}
    return state in allowed


# The WO-05 escalation chain, stage by stage.
STAGE_WATCH, STAGE_CS_ALERTED, STAGE_OPS_NOTIFIED, STAGE_DONE = 0, 1, 2, 3


@dataclass(frozen=True)
class ChainAction:
    """What the chain does when its deadline passes (rule WO-05)."""

    stage: int  # the stage after the action
    due_at: datetime | None  # the next chain deadline
    record: str  # "contact_late" | "cs_notify_late" | "chain_fine" | ""
    notify: str  # "cs" | "ops" | "" (who hears about it now)


def chain_on_due(
    stage: int, *, due_at: datetime, contacted: bool, policy: SlaPolicy
) -> ChainAction:
    """WO-05: at the contact deadline customer service is alerted; if it has not notified the
    operations manager within 5 min that is recorded and the manager is notified anyway; if
    nobody contacted the customer 5 min after the managers heard, everyone of the chain is fined."""
    if contacted:
        return ChainAction(STAGE_DONE, None, "", "")
    if stage == STAGE_WATCH:
        return ChainAction(STAGE_CS_ALERTED, due_at + policy.cs_notify_within, "contact_late", "cs")
    if stage == STAGE_CS_ALERTED:
        return ChainAction(
            STAGE_OPS_NOTIFIED, due_at + policy.chain_contact_within, "cs_notify_late", "ops"
        )
    if stage == STAGE_OPS_NOTIFIED:
        return ChainAction(STAGE_DONE, None, "chain_fine", "")
    return ChainAction(STAGE_DONE, None, "", "")


def chain_on_cs_notified(stage: int, *, at: datetime, policy: SlaPolicy) -> ChainAction | None:
    """Customer service notified the operations manager in time: the last 5 minutes start now."""
    if stage != STAGE_CS_ALERTED:
        return None
    return ChainAction(STAGE_OPS_NOTIFIED, at + policy.chain_contact_within, "", "ops")


# WO-05 variant: "contact attempts every 2 h" where the policy sets wo.contact_retry_hours.
FAILED_CALLS = {"no_answer", "busy", "wrong_number"}


@dataclass(frozen=True)
class RetryClock:
    """The next contact attempt after a failed call: due at `due` (the engineer is reminded
    then), missed at `late` (a breach fact), or no clock at all (both None)."""

    due: datetime | None = None
    late: datetime | None = None


def contact_retry(outcome: str, *, at: datetime, policy: SlaPolicy) -> RetryClock:
    """WO-05 variant: after a call that did not reach the customer (no answer, busy, wrong
    number) the next attempt is due `contact_retry` later, when the policy sets it. It counts as
    missed when no attempt is logged within the contact window (WO-01's minutes) after that."""
    if outcome not in FAILED_CALLS or policy.contact_retry <= timedelta(0):
        return RetryClock()
    due = at + policy.contact_retry
    return RetryClock(due, due + policy.contact_within)


def retry_actions(
    clock: RetryClock, *, since: datetime | None, now: datetime, waiting: bool
) -> list[str]:
    """What the sweep does about the retry clock between `since` (exclusive) and `now`
    (inclusive): "remind" the engineer when the attempt falls due, "breach" when it passed
    unattempted. Nothing once the customer was reached or the engineer is on site (`waiting`
    False). A new attempt replaces the clock, so a clock still here was not attempted."""
    if not waiting:
        return []

    def fell_due(deadline: datetime | None) -> bool:
        return deadline is not None and deadline <= now and (since is None or deadline > since)

    actions = []
    if fell_due(clock.due):
        actions.append("remind")
    if fell_due(clock.late):
        actions.append("breach")
    return actions


def follow_up_due(left_site_at: datetime, policy: SlaPolicy) -> datetime:
    """WO-11: ask the customer how the equipment runs within 3 days after leaving site."""
    return left_site_at + policy.follow_up_within


def next_free_slot(
    busy: list[tuple[datetime, datetime]], *, wanted_start: datetime, length: timedelta
) -> datetime:
    """WO-07: the first start at or after `wanted_start` where `length` fits between busy slots."""
    start = wanted_start
    for busy_start, busy_end in sorted(busy):
        if busy_end <= start:
            continue
        if busy_start >= start + length:
            break
        start = max(start, busy_end)
    return start


def overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    return a_start < b_end and b_start < a_end


# --- WO-12: the day's event record is handed in before the end of the day -----------------------


def hand_in_deadline(day: date, due: time, tz: tzinfo) -> datetime:
    """WO-12: the record of `day` is handed in by `due` (wo.daily_record_due, e.g. 23:59) that
    day, local time."""
    return datetime.combine(day, due, tzinfo=tz)


def hand_in_state(*, handed_in_at: datetime | None, deadline: datetime, now: datetime) -> str:
    """WO-12: "handed_in" in time, "late" after the deadline, "open" until the deadline,
    "missing" once it passed without a hand-in."""
    if handed_in_at is not None:
        return "handed_in" if handed_in_at <= deadline else "late"
    return "open" if now <= deadline else "missing"


# --- WO-14: on-site work longer than a week: a weekly service report to the customer -----------

ON_SITE_STATES = {"arrived", "escalated", "not_completed"}


def weekly_report_due(
    *, arrived_at: datetime | None, last_report_at: datetime | None, policy: SlaPolicy
) -> datetime | None:
    """WO-14: once the work on site has lasted `weekly_report_after` (7 days), a service report
    to the customer is due, and again that long after each report."""
    if arrived_at is None:
        return None
    return (last_report_at or arrived_at) + policy.weekly_report_after


def weekly_report_action(
    *, state: str, resolved: bool, due: datetime | None, now: datetime, policy: SlaPolicy
) -> datetime | None:
    """WO-14 at a check: when the report is due (and the work still on site), the engineer is
    reminded and the next reminder is a week later: returns that next due time, else None."""
    if resolved or state not in ON_SITE_STATES or due is None or due > now:
        return None
    return due + policy.weekly_report_after
