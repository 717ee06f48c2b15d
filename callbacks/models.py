"""Callbacks (CB-01 after an order, CB-02 the client's monthly callbacks) with the behaviour-code
checklist of RULES §6 as data (BEH-01), and complaints verified before they count (CB-04,
KPI-06, KPI-04)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class BehaviourItem(models.Model):
    """One item of the behaviour code at the customer's home (RULES §6), asked in a callback.
    The label is an English msgid shown through gettext; the defaults ship in a data migration
    and the company may add or retire items in the admin."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    label = models.CharField(_("label"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("behaviour item")
        verbose_name_plural = _("behaviour items")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.code


class Callback(models.Model):
    """A callback task and, once done, its answers: the behaviour items the engineer violated
    (BEH-01) and the customer's satisfaction (1–5)."""

    class Kind(models.TextChoices):
        AFTER_ORDER = "after_order", _("After an order (CB-01)")
        CLIENT_MONTHLY = "client_monthly", _("Client monthly callback (CB-02)")

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        UNREACHABLE = "unreachable", _("Customer unreachable")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    order = models.ForeignKey(
        "workorders.Order",
        verbose_name=_("work order"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="callbacks",
    )
    engineer = models.ForeignKey(
        "people.Person",
        verbose_name=_("engineer"),
        on_delete=models.PROTECT,
        related_name="callbacks",
    )
    customer = models.ForeignKey(
        "people.Customer",
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="callbacks",
    )
    # The station (or site) whose desk the task belongs to, for scoping and the queue.
    unit = models.ForeignKey(
        "people.OrgUnit",
        verbose_name=_("organisation unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="callbacks",
    )
    month = models.DateField(_("month"), null=True, blank=True)  # CB-02: first day of the month
    sequence = models.PositiveSmallIntegerField(_("number in month"), default=1)  # CB-02
    due_on = models.DateField(_("due on"))
    assigned_to = models.ForeignKey(
        "people.Person",
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_callbacks",
    )
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField(_("created at"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction"), null=True, blank=True)
    violations = models.ManyToManyField(
        BehaviourItem, verbose_name=_("violations"), blank=True, related_name="callbacks"
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("callback")
        verbose_name_plural = _("callbacks")
        ordering = ["due_on", "pk"]
        constraints = [
            # CB-01: one callback per order and kind, so sampling again creates nothing new.
            models.UniqueConstraint(
                fields=["order", "kind"],
                condition=Q(order__isnull=False),
                name="callback_once_per_order",
            ),
            # CB-02: the month's tasks per engineer are numbered, so generating again adds none.
            models.UniqueConstraint(
                fields=["engineer", "month", "sequence"],
                condition=Q(kind="client_monthly"),
                name="client_callback_once",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "due_on"]),
            models.Index(fields=["engineer", "done_at"]),
            models.Index(fields=["done_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.engineer} {self.due_on}"


class Complaint(models.Model):
    """A customer complaint about an engineer. It counts (KPI-06, or KPI-04 for a late renewal
    visit) only once the assessment group verified it as the employee's fault (CB-04)."""

    class State(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        VERIFIED = "verified", _("Verified: the employee's fault")
        REJECTED = "rejected", _("Rejected")

    customer = models.ForeignKey(
        "people.Customer",
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    order = models.ForeignKey(
        "workorders.Order",
        verbose_name=_("work order"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    engineer = models.ForeignKey(
        "people.Person",
        verbose_name=_("engineer"),
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    unit = models.ForeignKey(
        "people.OrgUnit",
        verbose_name=_("organisation unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    text = models.TextField(_("complaint"), max_length=4000)
    registered_at = models.DateTimeField(_("registered at"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.REGISTERED
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-registered_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "decided_at"]),
            models.Index(fields=["engineer", "registered_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.engineer} {self.registered_at:%Y-%m-%d}"


class QuarterNotice(models.Model):
    """CB-02: the quarter's client callback results were sent to the engineer and the vendor's
    contacts (once per engineer and quarter)."""

    engineer = models.ForeignKey(
        "people.Person", verbose_name=_("engineer"), on_delete=models.CASCADE, related_name="+"
    )
    quarter = models.DateField(_("quarter"))  # first day of the quarter
    sent_at = models.DateTimeField(_("sent at"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    data = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("quarterly callback notice")
        verbose_name_plural = _("quarterly callback notices")
        constraints = [
            models.UniqueConstraint(fields=["engineer", "quarter"], name="quarter_notice_once")
        ]

    def __str__(self) -> str:
        return f"{self.engineer} {self.quarter}"
