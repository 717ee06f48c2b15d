from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class LeaveType(models.Model):
    """Leave types are data (REQ-01, REQ-05, REQ-06): personal, sick, annual and others."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=40)
    name_en = models.CharField(_("English name"), max_length=40, blank=True)
    paid = models.BooleanField(_("paid"), default=True)
    # REQ-05: sick leave longer than the policy's days needs a certificate attached.
    needs_certificate = models.BooleanField(
        _("certificate required beyond the policy's days"), default=False
    )
    # REQ-02: personal leave is applied for in advance.
    needs_notice = models.BooleanField(_("needs advance notice"), default=False)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("leave type")
        verbose_name_plural = _("leave types")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.label()

    def label(self) -> str:
        """The name in the active language: the English name for English pages, if given."""
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name


class Half(models.TextChoices):
    AM = "am", _("Morning")
    PM = "pm", _("Afternoon")


class Request(models.Model):
    """A leave, trip, secondment, overtime or make-up punch request with its approval trail (REQ-11)."""

    class Kind(models.TextChoices):
        LEAVE = "leave", _("Leave")
        TRIP = "trip", _("Business trip")
        SECONDMENT = "secondment", _("Temporary secondment")
        OVERTIME = "overtime", _("Overtime")
        MAKEUP = "makeup", _("Make-up punch")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("applicant"),
        on_delete=models.PROTECT,
        related_name="requests",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    leave_type = models.ForeignKey(
        LeaveType, verbose_name=_("leave type"), null=True, blank=True, on_delete=models.PROTECT
    )
    # Leave, trip, secondment: whole or half days.
    start_date = models.DateField(_("from"), null=True, blank=True)
    start_half = models.CharField(
        _("from half"), max_length=2, choices=Half.choices, default=Half.AM
    )
    end_date = models.DateField(_("to"), null=True, blank=True)
    end_half = models.CharField(_("to half"), max_length=2, choices=Half.choices, default=Half.PM)
    # Overtime: a time range; make-up punch: the time to record.
    start_at = models.DateTimeField(_("start"), null=True, blank=True)
    end_at = models.DateTimeField(_("end"), null=True, blank=True)
    days = models.DecimalField(_("days"), max_digits=5, decimal_places=1, default=0)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1, default=0)
    reason = models.TextField(_("reason"), max_length=1000)
    emergency = models.BooleanField(_("emergency, filed afterwards"), default=False)  # REQ-03
    destination = models.CharField(_("destination"), max_length=120, blank=True)  # trip
    requesting_unit = models.CharField(
        _("requesting unit"), max_length=120, blank=True
    )  # secondment
    attachment = models.FileField(_("attachment"), upload_to="requests/%Y/%m/", blank=True)
    cc = models.ManyToManyField(
        "people.Person", verbose_name=_("copy to"), blank=True, related_name="+"
    )
    cover = models.ForeignKey(
        "people.Person",
        verbose_name=_("covered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="covering",
    )  # REQ-10
    trip_report = models.TextField(_("trip report"), blank=True)  # REQ-07
    trip_report_at = models.DateTimeField(_("trip report handed in"), null=True, blank=True)
    idempotency_key = models.CharField(max_length=80, null=True, blank=True)  # noqa: DJ001 - unique when set
    created_at = models.DateTimeField(_("filed at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["person", "kind", "status", "start_date"])]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "idempotency_key"],
                name="request_idempotency",
                condition=models.Q(idempotency_key__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.get_kind_display()} #{self.pk}"


class ApprovalStep(models.Model):
    """One approver of a request, in order; `basis` says which rule made him the approver."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting for earlier steps")
        PENDING = "pending", _("Awaiting decision")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        CANCELLED = "cancelled", _("Cancelled")

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField()
    approver = models.ForeignKey(
        "people.Person",
        verbose_name=_("approver"),
        on_delete=models.PROTECT,
        related_name="approval_steps",
    )
    basis = models.CharField(_("basis"), max_length=120)  # e.g. "REQ-01 group leader"
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.WAITING, db_index=True
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    comment = models.CharField(_("comment"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("approval step")
        verbose_name_plural = _("approval steps")
        ordering = ["request", "order"]
        constraints = [
            models.UniqueConstraint(fields=["request", "order"], name="step_order_unique")
        ]

    def __str__(self) -> str:
        return f"#{self.request_id}.{self.order} {self.approver} {self.status}"
