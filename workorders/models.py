from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from workorders import wording


class Kind(models.TextChoices):
    INSTALL = "install", _("Install")  # 报装
    REPAIR = "repair", _("Repair")  # 报修
    RENEWAL = "renewal", _("Renewal-fee collection")  # 续费
    INSPECTION = "inspection", _("Inspection task")  # 巡检
    SUPPORT = "support", _("On-site support")  # 现场支持 (002)


class SupportKind(models.TextChoices):
    FAULT = "fault", _("Fault handling")
    UPGRADE = "upgrade", _("Version upgrade")
    EQUIPMENT = "equipment", _("Equipment inspection")


class FaultClass(models.TextChoices):
    GENERAL = "general", _("General fault")  # WO-04: 24 h
    MAJOR = "major", _("Major fault")  # WO-04: 72 h


class State(models.TextChoices):
    NEW = "new", _("New")
    DISPATCHED = "dispatched", _("Dispatched")
    CONTACTED = "contacted", _("Customer contacted")
    APPOINTED = "appointed", _("Appointment agreed")
    ON_THE_WAY = "on_the_way", _("On the way")
    ARRIVED = "arrived", _("Arrived")
    ESCALATED = "escalated", _("Escalated to technical support")
    NOT_COMPLETED = "not_completed", _("Not completed")
    RESOLVED = "resolved", _("Resolved")
    FEEDBACK = "feedback", _("Feedback given")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


class CauseClass(models.TextChoices):
    """WO-13: the cause in customer wording."""

    OUR_SIDE = "our_side", _("Our side")
    THIRD_PARTY = "third_party", _("Third party (e.g. power cut)")
    CUSTOMER_SIDE = "customer_side", _("Customer side")


OPEN_STATES = [s for s in State.values if s not in (State.CLOSED, State.CANCELLED)]


class OrderQuerySet(models.QuerySet):
    def due(self, at):
        """Orders with a deadline at or before `at`: one indexed range scan, whatever the number
        of open orders (STYLE: timers are deadline columns)."""
        return self.filter(next_due_at__lte=at)


class Order(models.Model):
    number = models.CharField(_("number"), max_length=20, unique=True)
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    support_kind = models.CharField(
        _("support task"), max_length=12, choices=SupportKind.choices, blank=True
    )
    fault_class = models.CharField(
        _("fault class"), max_length=10, choices=FaultClass.choices, blank=True
    )
    critical = models.BooleanField(_("critical problem"), default=False)  # WO-09
    state = models.CharField(
        _("state"), max_length=14, choices=State.choices, default=State.NEW, db_index=True
    )
    customer = models.ForeignKey(
        "people.Customer",
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
    )
    unit = models.ForeignKey(
        "people.OrgUnit", verbose_name=_("site"), on_delete=models.PROTECT, related_name="orders"
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    description = models.TextField(_("description"), max_length=2000)
    registration = models.JSONField(_("registration form"), default=dict, blank=True)  # WO-10
    engineer = models.ForeignKey(
        "people.Person",
        verbose_name=_("engineer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
    )
    cs_agent = models.ForeignKey(
        "people.Person",
        verbose_name=_("customer-service agent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    contacted_at = models.DateTimeField(_("contacted at"), null=True, blank=True)
    appointment_start = models.DateTimeField(_("appointment from"), null=True, blank=True)
    appointment_end = models.DateTimeField(_("appointment to"), null=True, blank=True)
    on_the_way_at = models.DateTimeField(_("on the way at"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("arrived at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    feedback_at = models.DateTimeField(_("feedback at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    cause_class = models.CharField(
        _("cause"), max_length=14, choices=CauseClass.choices, blank=True
    )
    case_report = models.TextField(_("case report"), blank=True)  # WO-08
    follow_up_due = models.DateTimeField(_("follow-up due"), null=True, blank=True)  # WO-11
    followed_up_at = models.DateTimeField(_("followed up at"), null=True, blank=True)
    # SLA clocks (WO-01..04, WO-08) and the WO-05 chain: deadline columns; next_due_at is the
    # earliest pending one, indexed, so the sweep finds due orders in one range scan.
    contact_due_at = models.DateTimeField(_("contact due"), null=True, blank=True)
    on_site_due_at = models.DateTimeField(_("on site due"), null=True, blank=True)
    complete_due_at = models.DateTimeField(_("completion due"), null=True, blank=True)
    # WO-05 variant: the next contact attempt after a failed call (wo.contact_retry_hours), and
    # when it counts as missed; cleared by the next call.
    retry_due_at = models.DateTimeField(_("next contact attempt due"), null=True, blank=True)
    retry_late_at = models.DateTimeField(null=True, blank=True)
    retry_count = models.PositiveSmallIntegerField(_("failed contact attempts"), default=0)
    # WO-14: on-site work longer than a week: the next weekly service report due, and the last.
    report_due_at = models.DateTimeField(_("weekly report due"), null=True, blank=True)
    last_report_at = models.DateTimeField(_("last weekly report"), null=True, blank=True)
    chain_stage = models.PositiveSmallIntegerField(_("escalation stage"), default=0)
    chain_due_at = models.DateTimeField(_("next escalation"), null=True, blank=True)
    next_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # Deadlines up to this time have been handled: a claim moves it forward (race-safe).
    swept_until = models.DateTimeField(null=True, blank=True)

    objects = OrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["engineer", "state"]),
            models.Index(fields=["unit", "state"]),
        ]

    def __str__(self) -> str:
        return self.number


class OrderEvent(models.Model):
    """The order's timeline: every step with the person who did it and when (WO-12 evidence)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("time"))
    kind = models.CharField(_("event"), max_length=40)
    by = models.ForeignKey(
        "people.Person",
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=1000, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("order event")
        verbose_name_plural = _("order events")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["by", "at"])]

    def __str__(self) -> str:
        return f"{self.order} {self.kind} {self.at:%H:%M}"


class Appointment(models.Model):
    """A slot in the engineer's appointment table (WO-07); active slots never overlap."""

    engineer = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="appointments"
    )
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="appointments")
    start = models.DateTimeField(_("from"))
    end = models.DateTimeField(_("to"))
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["start"]
        indexes = [models.Index(fields=["engineer", "start"])]

    def __str__(self) -> str:
        return f"{self.engineer} {self.start:%m-%d %H:%M}"


class Breach(models.Model):
    """A recorded fact for the assessment engine: a clock ran out (WO-01..04, WO-08) or a WO-05
    chain stage was missed or fined. One per order, rule, kind and person."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="breaches")
    rule_id = models.CharField(_("rule"), max_length=10)
    kind = models.CharField(_("kind"), max_length=30)
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        null=True,
        on_delete=models.PROTECT,
        related_name="breaches",
    )
    due_at = models.DateTimeField(_("due at"))
    recorded_at = models.DateTimeField(_("recorded at"))
    amount = models.DecimalField(_("fine"), max_digits=10, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("SLA breach")
        verbose_name_plural = _("SLA breaches")
        ordering = ["-recorded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "rule_id", "kind", "person"], name="breach_once"
            ),
            models.UniqueConstraint(
                fields=["order", "rule_id", "kind"],
                condition=Q(person__isnull=True),
                name="breach_once_unassigned",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order} {self.rule_id} {self.kind}"


class DailyRecord(models.Model):
    """WO-12: one engineer's daily event record (运维事件记录单) of one day, handed in by him before
    the end of the day; the events themselves are the OrderEvents he recorded that day.
    `flagged_at`: the check after the deadline found it not handed in (the leader was told)."""

    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("engineer"),
        on_delete=models.PROTECT,
        related_name="daily_records",
    )
    day = models.DateField(_("day"))
    handed_in_at = models.DateTimeField(_("handed in at"), null=True, blank=True)
    handed_in_by = models.ForeignKey(
        "people.Person",
        verbose_name=_("handed in by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    events = models.PositiveIntegerField(_("events"), default=0)
    flagged_at = models.DateTimeField(_("flagged as missing at"), null=True, blank=True)

    class Meta:
        verbose_name = _("daily event record")
        verbose_name_plural = _("daily event records")
        ordering = ["-day", "person"]
        constraints = [
            models.UniqueConstraint(fields=["person", "day"], name="daily_record_once"),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.day}"


class WordingTemplate(models.Model):
    """WO-15: the operations manager's wording for one situation in one language; without a row
    the default of workorders/wording.py applies."""

    situation = models.CharField(_("situation"), max_length=30, choices=wording.SITUATIONS)
    language = models.CharField(_("language"), max_length=10, choices=wording.LANGUAGES)
    text = models.TextField(_("text"), max_length=2000)
    updated_at = models.DateTimeField(_("updated at"))
    updated_by = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("customer wording template")
        verbose_name_plural = _("customer wording templates")
        ordering = ["situation", "language"]
        constraints = [
            models.UniqueConstraint(fields=["situation", "language"], name="wording_once"),
        ]

    def __str__(self) -> str:
        return f"{self.situation} ({self.language})"
