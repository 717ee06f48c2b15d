"""Plans and the tickets they generate (INS-01, INS-03..06), and special inspections (INS-02).

Generation is idempotent: a ticket is unique per plan, asset and window, and a sampled week of an
engineer (INS-03) is drawn only once, so the daily task may run any number of times.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import audit, clock
from core.errors import DomainError, ValidationErrors
from core.policy import policy_for
from inspections import rules
from inspections.models import Asset, AssetKind, Plan, Ticket
from inspections.services.checklists import template_for
from inspections.services.common import workday_test
from notifications.services import notify
from people.models import Customer


def per_period_of(plan: Plan, day: date) -> int:
    """The plan's own number, else the policy's number for its rule (INS-01: 2 a month)."""
    if plan.per_period:
        return plan.per_period
    key = rules.PER_PERIOD_PARAM.get(plan.rule_id)
    return policy_for(plan.client_id, on=day)[key] if key else 1


@transaction.atomic
def save_plan(plan: Plan, *, by) -> Plan:
    """Create or change a plan; an impossible recurrence is refused with the field at fault."""
    errors: dict[str, str] = {}
    if not (plan.name or "").strip():
        errors["name"] = _("Name the plan.")
    if plan.asset_kind not in AssetKind.values:
        errors["asset_kind"] = _("Choose the asset type.")
    policy = policy_for(plan.client_id, on=clock.today())
    errors.update(
        rules.recurrence_errors(
            plan.frequency,
            plan.per_period,
            sampled=plan.sampled,
            sample_min=policy["ins.boxes_min"],
            sample_max=policy["ins.boxes_max"],
        )
    )
    if plan.per_period is None and not plan.sampled and plan.rule_id not in rules.PER_PERIOD_PARAM:
        errors.setdefault(
            "per_period", _("Give the number per period: the policy has none for this rule.")
        )
    if errors:
        raise ValidationErrors(errors)
    created = plan.pk is None
    before = {} if created else audit.snapshot(Plan.objects.get(pk=plan.pk))
    plan.save()
    audit.record(
        plan,
        "inspections.plan.created" if created else "inspections.plan.changed",
        by=by,
        changes=audit.diff(before, audit.snapshot(plan)),
    )
    return plan


def _assets_of(plan: Plan):
    qs = Asset.objects.filter(active=True, kind=plan.asset_kind, engineer__isnull=False)
    if plan.client_id:
        qs = qs.filter(client=plan.client_id)
    if plan.unit_id:
        qs = qs.filter(unit__path__startswith=plan.unit.path)
    return qs.select_related("unit", "engineer")


def _create(
    plan: Plan | None, asset: Asset, slot: rules.Slot, now: datetime, **extra
) -> Ticket | None:
    templates = extra.pop("templates", None)
    key = (asset.client_id, asset.kind)
    if templates is not None and key in templates:
        template = templates[key]
    else:
        template = template_for(asset.client_id, asset.kind)
        if templates is not None:
            templates[key] = template
    if template is None:
        return None
    try:
        with transaction.atomic():
            return Ticket.objects.create(
                plan=plan,
                asset=asset,
                template=template,
                engineer=asset.engineer,
                rule_id=extra.pop("rule_id", plan.rule_id if plan else ""),
                window_start=slot.window_start,
                planned_on=slot.planned_on,
                due_on=slot.due_on,
                created_at=now,
                **extra,
            )
    except IntegrityError:  # already generated (a second run, or another worker)
        return None


# Tickets of the windows starting within the coming days are generated ahead, so the engineer's
# week is visible (a display choice, not a regulation number).
GENERATE_AHEAD = timedelta(days=6)


def generate_upcoming(today: date) -> int:
    """The daily run: windows running today or starting within GENERATE_AHEAD."""
    return generate_tickets(today, today + GENERATE_AHEAD)


def generate_tickets(start: date, end: date) -> int:
    """Tickets for every active plan's windows that overlap [start, end]. Returns how many were
    created; running it again creates none."""
    if end < start:
        raise DomainError(_("The end is before the start."), field="end")
    now = clock.now()
    today = clock.today()
    created = 0
    for plan in Plan.objects.filter(active=True).select_related("unit"):
        if plan.sampled:
            created += _generate_sampled(plan, start, end, now)
            continue
        per_period = per_period_of(plan, start)
        if rules.recurrence_errors(plan.frequency, per_period):
            continue  # an impossible number in the policy: nothing to generate
        is_workday = workday_test(
            plan.client_id, start - timedelta(days=7), end + timedelta(days=100)
        )
        plan_slots = [
            slot
            for slot in rules.slots(plan.frequency, per_period, start, end, is_workday)
            if rules.plannable(slot, today)
        ]
        if not plan_slots:
            continue
        existing = set(
            Ticket.objects.filter(
                plan=plan, window_start__in=[s.window_start for s in plan_slots]
            ).values_list("asset_id", "window_start")
        )
        templates: dict = {}  # one checklist look-up per client and type in a run
        for asset in _assets_of(plan):
            for slot in plan_slots:
                if (asset.pk, slot.window_start) in existing:
                    continue
                if _create(plan, asset, slot, now, templates=templates):
                    created += 1
    return created


def _generate_sampled(plan: Plan, start: date, end: date, now: datetime) -> int:
    """INS-03: each week every line maintainer samples 2–3 of his junction boxes (those inspected
    least recently first) and tests the line quality of 3–5 of his users."""
    policy = policy_for(plan.client_id, on=start)
    box_range = (policy["ins.boxes_min"], policy["ins.boxes_max"])
    user_range = (policy["ins.users_min"], policy["ins.users_max"])
    if rules.recurrence_errors(
        plan.frequency, 1, sampled=True, sample_min=box_range[0], sample_max=box_range[1]
    ):
        return 0
    is_workday = workday_test(plan.client_id, start - timedelta(days=7), end + timedelta(days=100))
    created = 0
    assets = list(_assets_of(plan))
    by_engineer: dict[int, list[Asset]] = {}
    for asset in assets:
        by_engineer.setdefault(asset.engineer_id, []).append(asset)
    # Rotation: the boxes sampled least recently come first, so every box gets its turn.
    last_sampled = dict(
        Ticket.objects.filter(plan=plan, asset__in=assets)
        .values("asset_id")
        .annotate(last=Max("window_start"))
        .values_list("asset_id", "last")
    )
    for slot in rules.slots(plan.frequency, 1, start, end, is_workday):
        if not rules.plannable(slot, clock.today()):
            continue
        for engineer_id, boxes in by_engineer.items():
            if Ticket.objects.filter(
                plan=plan, engineer_id=engineer_id, window_start=slot.window_start
            ).exists():
                continue  # this engineer's week is drawn already
            seed = f"INS-03:{plan.pk}:{engineer_id}:{slot.window_start}"
            size = rules.sample_size(*box_range, seed)
            chosen = set(rules.pick_sample([(b.pk, last_sampled.get(b.pk)) for b in boxes], size))
            engineer = boxes[0].engineer
            zone_paths = list(engineer.zones.values_list("path", flat=True))
            user_ids = []
            if zone_paths:
                users = Customer.objects.none()
                for path in zone_paths:
                    users = users | Customer.objects.filter(unit__path__startswith=path)
                user_ids = list(users.values_list("pk", flat=True).distinct())
            users_size = rules.sample_size(*user_range, seed + ":users")
            with transaction.atomic():
                first = True
                for box in boxes:
                    if box.pk not in chosen:
                        continue
                    ticket = _create(plan, box, slot, now)
                    if ticket is None:
                        continue
                    created += 1
                    last_sampled[box.pk] = slot.window_start
                    if first and user_ids:  # the users' line tests go with the first box
                        ticket.sampled_users.set(
                            rules.spread_sample(user_ids, users_size, seed + ":users")
                        )
                        first = False
    return created


def raise_special_inspections(day: date) -> list[Ticket]:
    """INS-02: a café whose account had at least `ins.special_fault_count` fault orders on `day`
    gets one special inspection, due the next working day; a later fault the same day raises
    no second one."""
    from workorders.models import Kind, Order

    start = timezone.make_aware(datetime.combine(day, datetime.min.time()))
    counts = (
        Order.objects.filter(
            kind__in=[Kind.REPAIR, Kind.SUPPORT],
            created_at__gte=start,
            created_at__lt=start + timedelta(days=1),
            customer__assets__kind=AssetKind.CAFE,
            customer__assets__active=True,
        )
        .values("customer_id")
        .annotate(n=Count("pk", distinct=True))
    )
    raised = []
    now = clock.now()
    for row in counts:
        for cafe in Asset.objects.filter(
            customer_id=row["customer_id"], kind=AssetKind.CAFE, active=True, engineer__isnull=False
        ).select_related("engineer", "unit"):
            threshold = policy_for(cafe.client_id, on=day)["ins.special_fault_count"]
            if not rules.special_inspection_due(row["n"], threshold):
                continue
            is_workday = workday_test(cafe.client_id, day, day + timedelta(days=30))
            following = day + timedelta(days=1)
            slot = rules.schedule(following, following, is_workday)
            with transaction.atomic():
                ticket = _create(
                    None,
                    cafe,
                    rules.Slot(day, day, day, slot.due_on),
                    now,
                    rule_id="INS-02",
                    kind=Ticket.Kind.SPECIAL,
                    event_key=rules.special_event_key(cafe.pk, day),
                    reason=_("{count} fault orders on {day}").format(count=row["n"], day=day),
                )
                if ticket is not None:
                    audit.record(
                        ticket,
                        "inspections.ticket.special_raised",
                        by=None,
                        data={"rule": "INS-02", "faults": row["n"], "threshold": threshold},
                    )
                    notify(
                        cafe.engineer,
                        event="inspections.ticket.special",
                        title=gettext_lazy(
                            "Special inspection (INS-02): {asset}, {count} faults today"
                        ),
                        params={"asset": cafe.name, "count": row["n"]},
                        url=reverse("inspections:ticket", args=[ticket.pk]),
                        unit=cafe.unit,
                    )
                    raised.append(ticket)
    return raised
