"""The assessment ledger (RULES §5–7): one entry per consequence of a fact, objections to entries
(KPI-11) and the threshold decisions they lead to (KPI-08, KPI-09, BEH-02, KPI-12)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Entry(models.Model):
    """One consequence: points deducted and/or a fine in CNY for a person's assessment month,
    citing a rule and the fact it rests on. `fact_key` + `rule_id` is unique, so the same fact
    never yields two entries and generating a month again changes nothing."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        CONFIRMED = "confirmed", _("Confirmed")
        OBJECTED = "objected", _("Objected")
        UPHELD = "upheld", _("Upheld")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Source(models.TextChoices):
        BREACH = "breach", _("SLA breach of an order")
        ATTENDANCE = "attendance", _("Attendance judgement")
        CALLBACK = "callback", _("Callback answer")
        COMPLAINT = "complaint", _("Verified complaint")
        MANUAL = "manual", _("Manual finding")

    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="assessment_entries",
    )
    month = models.DateField(_("assessment month"))  # always the first day
    rule_id = models.CharField(_("rule"), max_length=10)
    points = models.DecimalField(_("points deducted"), max_digits=5, decimal_places=2, default=0)
    fine = models.DecimalField(_("fine (CNY)"), max_digits=10, decimal_places=2, default=0)
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.PROPOSED
    )
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    fact_key = models.CharField(_("fact"), max_length=120)
    evidence = models.JSONField(_("evidence"), default=dict)
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
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
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("assessment entry")
        verbose_name_plural = _("assessment entries")
        ordering = ["month", "person_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["fact_key", "rule_id"], name="entry_once_per_fact"),
        ]
        indexes = [models.Index(fields=["person", "month"])]

    def __str__(self) -> str:
        return f"{self.person} {self.month:%Y-%m} {self.rule_id}"

    @property
    def counts(self) -> bool:
        """A withdrawn entry costs nothing and crosses no threshold."""
        return self.state != self.State.WITHDRAWN


class Objection(models.Model):
    """KPI-11: the assessed person states an objection to an entry; the assessment group upholds
    the entry or withdraws it, with a reason."""

    class Outcome(models.TextChoices):
        UPHELD = "upheld", _("Entry upheld")
        WITHDRAWN = "withdrawn", _("Entry withdrawn")

    entry = models.ForeignKey(
        Entry, verbose_name=_("entry"), on_delete=models.CASCADE, related_name="objections"
    )
    text = models.TextField(_("objection"))
    filed_at = models.DateTimeField(_("filed at"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision = models.CharField(_("decision"), max_length=12, choices=Outcome.choices, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["-filed_at"]

    def __str__(self) -> str:
        return f"{self.entry} objection"


class Decision(models.Model):
    """A threshold crossed (KPI-08/KPI-09 separation, BEH-02 dismissal, KPI-12 vendor replacement):
    proposed by the system, confirmed or rejected by HR or the operations manager."""

    class Kind(models.TextChoices):
        SEPARATION = "separation", _("Automatic separation")
        DISMISSAL = "dismissal", _("Dismissal")
        VENDOR_REPLACEMENT = "vendor_replacement", _("Replacement request to the vendor")

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        CONFIRMED = "confirmed", _("Confirmed")
        REJECTED = "rejected", _("Rejected")

    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="assessment_decisions",
    )
    month = models.DateField(_("assessment month"))
    rule_id = models.CharField(_("rule"), max_length=10)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.PROPOSED
    )
    basis = models.CharField(_("basis"), max_length=200, blank=True)
    entries = models.ManyToManyField(
        Entry, verbose_name=_("entries"), related_name="decisions", blank=True
    )
    created_at = models.DateTimeField(_("created at"))
    confirmed_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("assessment decision")
        verbose_name_plural = _("assessment decisions")
        ordering = ["-month", "person_id", "rule_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "month", "rule_id"], name="decision_once_per_month"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.month:%Y-%m} {self.rule_id}"


def objection_upload_to(instance: "ObjectionAttachment", filename: str) -> str:
    return f"objections/{instance.uploaded_at:%Y/%m}/{filename}"


class ObjectionAttachment(models.Model):
    """KPI-11: a photo or document the assessed person adds to his objection (kept under MEDIA
    like the attachments of requests)."""

    objection = models.ForeignKey(
        Objection,
        verbose_name=_("objection"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(_("file"), upload_to=objection_upload_to)
    name = models.CharField(_("file name"), max_length=200)
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("objection attachment")
        verbose_name_plural = _("objection attachments")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name
