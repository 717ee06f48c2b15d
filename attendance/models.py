from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.policy_types import TIME_RE


def validate_blocks(blocks) -> None:
    """Blocks are [["08:30", "11:30"], ["13:00", "17:00"]]: HH:MM pairs, ordered, not overlapping."""
    if not isinstance(blocks, list) or not blocks:
        raise ValidationError(_("Give at least one working block."))
    previous_end = ""
    for index, block in enumerate(blocks, start=1):
        if not (
            isinstance(block, list | tuple)
            and len(block) == 2
            and all(isinstance(t, str) and TIME_RE.match(t) for t in block)
        ):
            raise ValidationError(_("Block {n}: give start and end as HH:MM.").format(n=index))
        start, end = block
        if start >= end:
            raise ValidationError(_("Block {n}: the end must be after the start.").format(n=index))
        if previous_end and start < previous_end:
            raise ValidationError(_("Block {n} overlaps the block before it.").format(n=index))
        previous_end = end


class ShiftTemplate(models.Model):
    """A working schedule (ATT-01): one block (09:00–17:30), a split shift (08:30–11:30,
    13:00–17:00), or a duty roster for machine-room staff (works only on rostered days)."""

    class Kind(models.TextChoices):
        PLAIN = "plain", _("Plain day")
        SPLIT = "split", _("Split shift")
        DUTY = "duty", _("Duty roster")

    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    blocks = models.JSONField(_("working blocks"), validators=[validate_blocks])
    client = models.ForeignKey(
        "people.Company",
        verbose_name=_("client site"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    team = models.ForeignKey(
        "people.Team",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("shift template")
        verbose_name_plural = _("shift templates")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({', '.join('–'.join(b) for b in self.blocks)})"

    @property
    def follows_calendar(self) -> bool:
        return self.kind != self.Kind.DUTY


class ScheduleAssignment(models.Model):
    """A person works by a template from a date (to a date)."""

    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="schedules",
    )
    template = models.ForeignKey(
        ShiftTemplate, verbose_name=_("shift template"), on_delete=models.PROTECT
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        verbose_name = _("schedule")
        verbose_name_plural = _("schedules")
        ordering = ["person", "-valid_from"]
        indexes = [models.Index(fields=["person", "valid_from"])]

    def __str__(self) -> str:
        return f"{self.person} {self.template.name} {self.valid_from}"

    def clean(self) -> None:
        if self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("The end date is before the start date.")})
        overlapping = (
            ScheduleAssignment.objects.filter(person_id=self.person_id)
            .exclude(pk=self.pk)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=self.valid_from))
        )
        if self.valid_to:
            overlapping = overlapping.filter(valid_from__lte=self.valid_to)
        if overlapping.exists():
            raise ValidationError(
                {"valid_from": _("This person already has a schedule in that period.")}
            )


class RosterDay(models.Model):
    """A duty-roster entry: on this date the person works `template`, or is off when empty."""

    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="roster"
    )
    date = models.DateField(_("date"))
    template = models.ForeignKey(
        ShiftTemplate,
        verbose_name=_("shift template"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )

    class Meta:
        verbose_name = _("duty roster day")
        verbose_name_plural = _("duty roster")
        constraints = [
            models.UniqueConstraint(fields=["person", "date"], name="roster_one_entry_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.date} {self.template or '-'}"


class Punch(models.Model):
    """One sign-in/out (ATT-02, ATT-10). The person punches for himself; where it came from is kept."""

    class Source(models.TextChoices):
        APP = "app", _("Phone page")
        API = "api", _("API / clock device")
        IMPORT = "import", _("Imported file")
        MAKEUP = "makeup", _("Approved make-up punch")

    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="punches"
    )
    at = models.DateTimeField(_("time"))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    device = models.CharField(_("device"), max_length=120, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    # Rounded to ~100 m and only with the person's consent (PIPL).
    latitude = models.DecimalField(
        _("latitude"), max_digits=7, decimal_places=3, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=7, decimal_places=3, null=True, blank=True
    )
    idempotency_key = models.CharField(max_length=80, null=True, blank=True)  # noqa: DJ001 - unique when set
    created_at = models.DateTimeField(_("recorded at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    flagged = models.BooleanField(_("flagged for review"), default=False)
    flag_reason = models.CharField(_("flag reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("punch")
        verbose_name_plural = _("punches")
        ordering = ["person", "at"]
        indexes = [models.Index(fields=["person", "at"]), models.Index(fields=["at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "idempotency_key"],
                name="punch_idempotency",
                condition=Q(idempotency_key__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.at:%Y-%m-%d %H:%M:%S}"


class ProxySigning(models.Model):
    """A confirmed proxy signing (代签, ATT-02): signer and signee are both absent that day."""

    signer = models.ForeignKey(
        "people.Person", verbose_name=_("signer"), on_delete=models.PROTECT, related_name="+"
    )
    signee = models.ForeignKey(
        "people.Person", verbose_name=_("signee"), on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("proxy signing")
        verbose_name_plural = _("proxy signings")
        constraints = [
            models.UniqueConstraint(fields=["signer", "signee", "date"], name="proxy_once")
        ]

    def __str__(self) -> str:
        return f"{self.signer} → {self.signee} {self.date}"


class DayStatus(models.TextChoices):
    ON_TIME = "on_time", _("On time")
    LATE = "late", _("Late")
    EARLY = "early", _("Early leave")
    LATE_EARLY = "late_early", _("Late and early leave")
    MISSING = "missing", _("Missing punch")
    ABSENT = "absent", _("Absent")
    LEAVE = "leave", _("On leave")
    TRIP = "trip", _("On a business trip")
    SECONDED = "seconded", _("Seconded")
    HOLIDAY = "holiday", _("Holiday")
    REST = "rest", _("Rest day")


class DayJudgement(models.Model):
    """The judgement of one person's day with the rule IDs and evidence that led to it (ATT-04..06).

    After the month is closed the values stay; a later recomputation that differs is kept in
    `correction` and shown as a correction, never applied silently.
    """

    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="judgements",
    )
    date = models.DateField(_("date"))
    status = models.CharField(_("status"), max_length=12, choices=DayStatus.choices)
    workday = models.BooleanField(_("expected to work"), default=False)
    late_minutes = models.PositiveIntegerField(_("late minutes"), default=0)
    late_count = models.PositiveSmallIntegerField(_("late arrivals"), default=0)
    serious_late = models.BooleanField(_("serious lateness"), default=False)
    absent_late = models.BooleanField(_("late beyond the absence limit"), default=False)
    early_minutes = models.PositiveIntegerField(_("early-leave minutes"), default=0)
    early_count = models.PositiveSmallIntegerField(_("early leaves"), default=0)
    missing_in = models.PositiveSmallIntegerField(_("missing sign-ins"), default=0)
    missing_out = models.PositiveSmallIntegerField(_("missing sign-outs"), default=0)
    absent_days = models.DecimalField(_("absent days"), max_digits=3, decimal_places=1, default=0)
    leave_type = models.CharField(_("leave type"), max_length=20, blank=True)
    leave_days = models.DecimalField(_("leave days"), max_digits=3, decimal_places=1, default=0)
    trip_days = models.DecimalField(_("trip days"), max_digits=3, decimal_places=1, default=0)
    rule_ids = models.JSONField(_("rules"), default=list)
    evidence = models.JSONField(_("evidence"), default=dict)
    computed_at = models.DateTimeField(_("computed at"))
    locked = models.BooleanField(_("month closed"), default=False)
    correction = models.JSONField(_("correction after close"), null=True, blank=True)

    class Meta:
        verbose_name = _("day judgement")
        verbose_name_plural = _("day judgements")
        ordering = ["person", "date"]
        constraints = [
            models.UniqueConstraint(fields=["person", "date"], name="judgement_once_per_day")
        ]
        indexes = [models.Index(fields=["date", "person"])]

    def __str__(self) -> str:
        return f"{self.person} {self.date} {self.get_status_display()}"


class MonthClose(models.Model):
    """A closed attendance month of one station (ATT-07): its judgements are locked."""

    unit = models.ForeignKey(
        "people.OrgUnit",
        verbose_name=_("organisation unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    month = models.DateField(_("month"))  # first day of the month
    closed_at = models.DateTimeField(_("closed at"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("closed month")
        verbose_name_plural = _("closed months")
        constraints = [models.UniqueConstraint(fields=["unit", "month"], name="month_closed_once")]

    def __str__(self) -> str:
        return f"{self.unit} {self.month:%Y-%m}"


class ArrivalRecord(models.Model):
    """ATT-10: the daily arrival record (到岗记录) of a long-term resident engineer at the
    client's service desk. One per person and day: reported by the engineer on his phone page or
    recorded by the client's person in charge at the desk, who may also confirm a report."""

    class Source(models.TextChoices):
        SELF = "self", _("Reported by the engineer")
        DESK = "desk", _("Recorded at the client's desk")

    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="arrivals",
    )
    date = models.DateField(_("date"))
    arrived_at = models.DateTimeField(_("arrived at"))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    desk_note = models.CharField(_("desk note"), max_length=200, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("arrival record")
        verbose_name_plural = _("arrival records")
        ordering = ["date", "person"]
        constraints = [
            models.UniqueConstraint(fields=["person", "date"], name="arrival_once_per_day")
        ]
        indexes = [models.Index(fields=["date", "person"])]

    def __str__(self) -> str:
        return f"{self.person} {self.date} {self.arrived_at:%H:%M}"
