"""Monthly figures of the heavy charts, rolled up per organisation unit (cache data: always
recomputed from the facts, never edited). A chart over 12 months of 150,000 orders a month then
reads a few thousand rolled-up rows instead of scanning every order on each request."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MonthFigure(models.Model):
    """One figure of one chart for one unit and month, e.g. orders "repair|closed" = 812."""

    chart = models.CharField(_("chart"), max_length=20)
    month = models.DateField(_("month"))  # the first day
    unit = models.ForeignKey(
        "people.OrgUnit",
        verbose_name=_("organisation unit"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    key = models.CharField(_("figure"), max_length=40)
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2)

    class Meta:
        verbose_name = _("month figure")
        verbose_name_plural = _("month figures")
        indexes = [models.Index(fields=["chart", "month"])]

    def __str__(self) -> str:
        return f"{self.chart} {self.month:%Y-%m} {self.key}"


class RolledMonth(models.Model):
    """A month whose figures of a chart are in MonthFigure, and when they were computed."""

    chart = models.CharField(_("chart"), max_length=20)
    month = models.DateField(_("month"))
    refreshed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("rolled-up month")
        verbose_name_plural = _("rolled-up months")
        constraints = [models.UniqueConstraint(fields=["chart", "month"], name="rolled_month_once")]

    def __str__(self) -> str:
        return f"{self.chart} {self.month:%Y-%m}"
