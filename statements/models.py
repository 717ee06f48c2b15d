"""Assessment month close, statements and wages (KPI-11, settlement guard).

A station's assessment month is closed once (`AssessmentClose`): its ledger is locked and each
person's statement is kept as it stood (`Statement`). The operations manager may reopen it with a
reason; the close then stays as history and a later close makes new snapshots. `WageRecord` holds
what the settlement guard needs (《工资支付暂行规定》§16)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class AssessmentClose(models.Model):
    """KPI-11: a station's assessment month, closed and handed to the admin department."""

    unit = models.ForeignKey(
        "people.OrgUnit",
        verbose_name=_("organisation unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    month = models.DateField(_("assessment month"))  # always the first day
    closed_at = models.DateTimeField(_("closed at"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reopened by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reopen_reason = models.TextField(_("reason for reopening"), blank=True)

    class Meta:
        verbose_name = _("closed assessment month")
        verbose_name_plural = _("closed assessment months")
        ordering = ["-month", "unit_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "month"],
                condition=Q(reopened_at__isnull=True),
                name="assessment_month_closed_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.month:%Y-%m}"

    @property
    def active(self) -> bool:
        return self.reopened_at is None


class Statement(models.Model):
    """A person's statement as it stood when the month was closed (points, fines by rule,
    attendance fines, total, decisions, settlement). Pages of a closed month show this."""

    close = models.ForeignKey(
        AssessmentClose,
        verbose_name=_("closed month"),
        on_delete=models.CASCADE,
        related_name="statements",
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="statements",
    )
    month = models.DateField(_("assessment month"))
    active = models.BooleanField(_("in force"), default=True)  # False once the close is reopened
    points = models.DecimalField(_("points deducted"), max_digits=6, decimal_places=2)
    total = models.DecimalField(_("fines total (CNY)"), max_digits=12, decimal_places=2)
    data = models.JSONField(_("statement"))

    class Meta:
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        ordering = ["-month", "person_id"]
        constraints = [
            models.UniqueConstraint(fields=["close", "person"], name="statement_once_per_close"),
        ]
        indexes = [models.Index(fields=["person", "month", "active"])]

    def __str__(self) -> str:
        return f"{self.person} {self.month:%Y-%m}"


class WageRecord(models.Model):
    """A person's monthly wage and the local minimum wage from a day on (settlement guard)."""

    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="wage_records",
    )
    monthly_wage = models.DecimalField(_("monthly wage (CNY)"), max_digits=10, decimal_places=2)
    minimum_wage = models.DecimalField(
        _("local minimum wage (CNY)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    effective_from = models.DateField(_("effective from"))
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("wage record")
        verbose_name_plural = _("wage records")
        ordering = ["person_id", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["person", "effective_from"], name="wage_once_per_day"),
            models.CheckConstraint(condition=Q(monthly_wage__gt=0), name="wage_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.effective_from:%Y-%m-%d}"
