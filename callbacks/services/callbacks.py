"""Callbacks: tasks after closed orders (CB-01, sampled per policy), the client's monthly
callbacks (CB-02) and the answers that cost the engineer (BEH-01, BEH-02 via assessment)."""

from datetime import date, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from callbacks.models import BehaviourItem, Callback
from callbacks.rules import (
    CALLBACK_ORDER_KINDS,
    client_callback_sequences,
    is_sampled,
    unknown_codes,
    valid_satisfaction,
)
from callbacks.services.common import (
    CLIENT_CALLERS,
    ORDER_CALLERS,
    month_of,
    policy_of,
    require,
    require_in_scope,
    user_of,
)
from core import audit, clock
from core.clock import month_bounds
from core.errors import DomainError
from core.policy import PolicyBook
from people.models import Person
from people.roles import Role

# How far back the periodic sampling looks for closed orders. Not a regulation number: only
# how long a stopped worker may stay down before closed orders are missed.
SAMPLE_LOOKBACK = timedelta(days=14)


# --- CB-01: tasks after closed orders -----------------------------------------------------------


def open_callback(order) -> Callback:
    """CB-01: the callback task of a closed order (created once; the existing one otherwise)."""
    if order.engineer_id is None:
        raise DomainError(_("The order has no engineer to ask about."), field="order")
    existing = Callback.objects.filter(order=order, kind=Callback.Kind.AFTER_ORDER).first()
    if existing is not None:
        return existing
    closed = order.closed_at or clock.now()
    try:
        with transaction.atomic():
            callback = Callback.objects.create(
                kind=Callback.Kind.AFTER_ORDER,
                order=order,
                engineer_id=order.engineer_id,
                customer_id=order.customer_id,
                unit_id=order.unit_id,
                due_on=timezone.localtime(closed).date(),
                created_at=clock.now(),
            )
    except IntegrityError:  # a concurrent run created it first
        return Callback.objects.get(order=order, kind=Callback.Kind.AFTER_ORDER)
    audit.record(callback, "callbacks.callback.opened", data={"order": str(order)})
    return callback


def sample_closed_orders(*, since: datetime | None = None) -> int:
    """CB-01: open the callback tasks of the install, repair and renewal orders closed since
    `since` that the policy's sample takes; returns how many were created. Deterministic per
    order, so running again creates nothing new."""
    from workorders.models import Order, State

    since = since or clock.now() - SAMPLE_LOOKBACK
    candidates = (
        Order.objects.filter(
            state=State.CLOSED,
            kind__in=CALLBACK_ORDER_KINDS,
            closed_at__gte=since,
            engineer__isnull=False,
        )
        .exclude(callbacks__kind=Callback.Kind.AFTER_ORDER)
        .order_by("pk")
        .values_list("pk", "kind", "closed_at", "engineer__client_id", "engineer__employer_id")
    )
    book = PolicyBook()
    sampled = []
    for pk, kind, closed_at, client_id, employer_id in candidates.iterator(chunk_size=5000):
        day = timezone.localtime(closed_at).date()
        percent = book.policy_for(client_id or employer_id, on=day)["cb.callback_sample_percent"]
        if is_sampled(pk, kind, int(percent)):
            sampled.append(pk)
    created = 0
    for order in Order.objects.filter(pk__in=sampled).order_by("pk"):
        open_callback(order)
        created += 1
    return created


# --- CB-02: the client's monthly callbacks ------------------------------------------------------


def generate_client_callbacks(month: date) -> int:
    """CB-02: the month's client callback tasks, `cb.client_callbacks_per_month` per engineer
    serving a client, assigned to the client's customer specialist. Idempotent."""
    month = month.replace(day=1)
    last = month_bounds(month)[1]
    book = PolicyBook()
    specialists: dict[int, Person | None] = {}
    engineers = Person.objects.filter(
        role=Role.ENGINEER, active=True, client__isnull=False
    ).select_related("client")
    existing = set(
        Callback.objects.filter(kind=Callback.Kind.CLIENT_MONTHLY, month=month).values_list(
            "engineer_id", "sequence"
        )
    )
    rows = []
    now = clock.now()
    for engineer in engineers:
        if engineer.client_id not in specialists:
            specialists[engineer.client_id] = (
                Person.objects.filter(
                    role=Role.CLIENT_SPECIALIST, client=engineer.client_id, active=True
                )
                .order_by("pk")
                .first()
            )
        per_month = int(policy_of(book, engineer, last)["cb.client_callbacks_per_month"])
        for sequence in client_callback_sequences(per_month):
            if (engineer.pk, sequence) in existing:
                continue
            rows.append(
                Callback(
                    kind=Callback.Kind.CLIENT_MONTHLY,
                    engineer=engineer,
                    unit_id=engineer.unit_id,
                    month=month,
                    sequence=sequence,
                    due_on=last,
                    assigned_to=specialists[engineer.client_id],
                    created_at=now,
                )
            )
    Callback.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    if rows:
        audit.record(
            None,
            "callbacks.client_callbacks.generated",
            data={"month": f"{month:%Y-%m}", "count": len(rows)},
            object_type="callbacks.callback",
        )
    return len(rows)


# --- answers ------------------------------------------------------------------------------------


def callers_for(callback: Callback) -> set[str]:
    return CLIENT_CALLERS if callback.kind == Callback.Kind.CLIENT_MONTHLY else ORDER_CALLERS


def _require_caller(callback: Callback, by: Any) -> None:
    require(
        by,
        callers_for(callback),
        _("Only customer service records callbacks after orders.")
        if callback.kind == Callback.Kind.AFTER_ORDER
        else _("Only the client's customer specialist records monthly client callbacks."),
    )
    require_in_scope(by, callback.engineer)


def _satisfaction(value: Any) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if not valid_satisfaction(value):
        raise DomainError(_("Choose a satisfaction score from 1 to 5."), field="satisfaction")
    return value


@transaction.atomic
def record_callback(
    callback: Callback,
    *,
    by: Any,
    violations: list[str],
    satisfaction: int,
    note: str = "",
) -> Callback:
    """Store a callback's answers: the behaviour items violated (BEH-01) and the satisfaction
    score (CB-01/CB-02). Recording again corrects the answers. The engineer's month of
    assessment entries is brought in line at once: one BEH-01 entry per violation, withdrawn
    again if a correction removes it, and the BEH-02 threshold evaluated."""
    _require_caller(callback, by)
    callback = (
        Callback.objects.select_for_update(of=("self",))
        .select_related("engineer")
        .get(pk=callback.pk)
    )
    codes = sorted({str(code).strip() for code in (violations or []) if str(code).strip()})
    items = {item.code: item for item in BehaviourItem.objects.all()}
    unknown = unknown_codes(codes, items)
    if unknown:
        raise DomainError(
            _("Unknown behaviour item: {codes}.").format(codes=", ".join(unknown)),
            field="violations",
        )
    score = _satisfaction(satisfaction)
    note = (note or "").strip()
    before = {
        "state": callback.state,
        "satisfaction": callback.satisfaction,
        "violations": sorted(callback.violations.values_list("code", flat=True)),
        "note": callback.note,
    }
    # KPI-11: a closed month's ledger refuses changes (a correction, or a fine that would not count).
    from statements.locks import require_open_month

    require_open_month(callback.engineer_id, month_of(callback.done_at or clock.now()))
    corrected = callback.state == Callback.State.DONE
    callback.state = Callback.State.DONE
    callback.done_at = callback.done_at or clock.now()  # a correction keeps the month
    callback.done_by = user_of(by)
    callback.satisfaction = score
    callback.note = note
    callback.save(update_fields=["state", "done_at", "done_by", "satisfaction", "note"])
    callback.violations.set([items[code] for code in codes])
    after = {"state": callback.state, "satisfaction": score, "violations": codes, "note": note}
    audit.record(
        callback,
        "callbacks.callback.corrected" if corrected else "callbacks.callback.recorded",
        by=by,
        changes=audit.diff(before, after),
        data={"violations": codes, "satisfaction": score},
    )
    bring_ledger_in_line(callback.engineer_id, month_of(callback.done_at))
    return callback


@transaction.atomic
def mark_unreachable(callback: Callback, *, by: Any, note: str = "") -> Callback:
    """The customer could not be reached: the task is closed without answers (nothing counts)."""
    _require_caller(callback, by)
    callback = Callback.objects.select_for_update().get(pk=callback.pk)
    if callback.state != Callback.State.OPEN:
        raise DomainError(_("Only an open callback can be marked unreachable."), field="state")
    callback.state = Callback.State.UNREACHABLE
    callback.done_at = clock.now()
    callback.done_by = user_of(by)
    callback.note = (note or "").strip()
    callback.save(update_fields=["state", "done_at", "done_by", "note"])
    audit.record(callback, "callbacks.callback.unreachable", by=by, data={"note": callback.note})
    return callback


def bring_ledger_in_line(person_id: int, month: date) -> None:
    """BEH-01/KPI-06/KPI-04 entries of the person's month follow the facts at once, and the
    thresholds (BEH-02, KPI-08, KPI-09, KPI-12) are evaluated."""
    from assessment.services import evaluate_thresholds, generate_entries

    generate_entries(month, person_ids=[person_id])
    evaluate_thresholds(month, person_ids=[person_id])
