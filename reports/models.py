"""Daily, weekly and quarterly staff reports (REP-01..04)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    DAILY = "daily", _("Daily report")  # REP-01
    WEEKLY = "weekly", _("Weekly report")  # REP-02
    QUARTERLY = "quarterly", _("Quarterly summary")  # REP-03
    PROJECT = "project", _("Project progress report")  # REP-04


class Project(models.Model):
    """A project at a client: its manager reports progress weekly while it runs (REP-04)."""

    name = models.CharField(_("name"), max_length=120)
    client = models.ForeignKey(
        "people.Company",
        verbose_name=_("client"),
        on_delete=models.PROTECT,
        related_name="report_projects",
        limit_choices_to={"kind": "client"},
    )
    manager = models.ForeignKey(
        "people.Person",
        verbose_name=_("project manager"),
        on_delete=models.PROTECT,
        related_name="managed_projects",
    )
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"), null=True, blank=True)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-start_date", "name"]

    def __str__(self) -> str:
        return self.name


class Report(models.Model):
    """One report of one person for one period, with its deadline and reminder time.

    Created as a draft by the generator (tasks.py) before the reminder time; the engineer edits
    the pre-filled text and submits it, which delivers it to the client. `late` is set when it
    is submitted after `due_at` or when `due_at` passes without a submission.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Not submitted")
        SUBMITTED = "submitted", _("Submitted")

    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
    )
    client = models.ForeignKey(
        "people.Company",
        verbose_name=_("client"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    due_at = models.DateTimeField(_("due"), db_index=True)
    remind_at = models.DateTimeField(_("reminder"), db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    text = models.TextField(_("report"), blank=True)
    facts = models.JSONField(_("figures of the period"), default=dict, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    late = models.BooleanField(_("late"), default=False)
    late_flagged_at = models.DateTimeField(_("late flagged at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("staff report")
        verbose_name_plural = _("staff reports")
        ordering = ["-due_at", "person"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind", "period_start"],
                condition=Q(project__isnull=True),
                name="report_once_per_period",
            ),
            models.UniqueConstraint(
                fields=["person", "kind", "period_start", "project"],
                condition=Q(project__isnull=False),
                name="project_report_once_per_period",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_at"])]

    def __str__(self) -> str:
        return f"{self.person} {self.get_kind_display()} {self.period_start}"

    @property
    def rule_id(self) -> str:
        from reports.rules import RULE_OF_KIND

        return RULE_OF_KIND[self.kind]
