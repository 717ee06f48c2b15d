"""Assets, checklists, inspection plans and tickets (RULES §8).

- `Asset`: a place or piece of equipment that is inspected (internet café, junction box, EPON line
  and power, building/unit, monitoring point, machine room, switch, chassis).
- `ChecklistTemplate` / `ChecklistItem`: checklists are data per client and asset type, versioned
  (INS-09). A ticket keeps the version it was created with.
- `Plan`: a recurrence per asset type (INS-01, 03, 04, 05, 06) that generates `Ticket`s.
- `Answer`: one checklist item of a done ticket, with its photo and anomaly (repair order).
- `SkipRequest`: skipping a ticket needs the area supervisor's approval (INS-01).
- `SpotCheck`: the dispatch centre calls back on a sample of done tickets (CB-03).
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class AssetKind(models.TextChoices):
    CAFE = "cafe", _("Internet café")
    JUNCTION_BOX = "junction_box", _("Junction box")  # 交接箱
    EPON_LINE = "epon_line", _("EPON line")
    EPON_POWER = "epon_power", _("EPON power supply")
    BUILDING = "building", _("Building / unit")
    MONITORING_POINT = "monitoring_point", _("Monitoring point")
    MACHINE_ROOM = "machine_room", _("Machine room")
    SWITCH = "switch", _("Switch")
    CHASSIS = "chassis", _("Chassis")


class Asset(models.Model):
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("type"), max_length=20, choices=AssetKind.choices, db_index=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    unit = models.ForeignKey(
        "people.OrgUnit",
        verbose_name=_("location"),
        on_delete=models.PROTECT,
        related_name="assets",
        help_text=_("The community, town area or client site where the asset is."),
    )
    station = models.ForeignKey(
        "people.OrgUnit",
        verbose_name=_("station"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="station_assets",
        limit_choices_to={"kind": "station"},
    )
    engineer = models.ForeignKey(
        "people.Person",
        verbose_name=_("responsible engineer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assets",
        help_text=_("Left empty: the engineer whose responsibility zone holds the location."),
    )
    client = models.ForeignKey(
        "people.Company",
        verbose_name=_("client"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assets",
        limit_choices_to={"kind": "client"},
    )
    customer = models.ForeignKey(
        "people.Customer",
        verbose_name=_("customer account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assets",
        help_text=_("E.g. the internet café's broadband account: its fault orders count (INS-02)."),
    )
    active = models.BooleanField(_("in service"), default=True)

    class Meta:
        verbose_name = _("asset")
        verbose_name_plural = _("assets")
        ordering = ["kind", "name"]
        indexes = [models.Index(fields=["engineer", "kind"])]

    def __str__(self) -> str:
        return self.name


class ChecklistTemplate(models.Model):
    """One version of the checklist for a client (empty: every client) and asset type (INS-09)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        RETIRED = "retired", _("Retired")

    name = models.CharField(_("name"), max_length=120)
    client = models.ForeignKey(
        "people.Company",
        verbose_name=_("client"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="checklists",
        limit_choices_to={"kind": "client"},
    )
    asset_kind = models.CharField(_("asset type"), max_length=20, choices=AssetKind.choices)
    version = models.PositiveIntegerField(_("version"), default=1)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    rule_id = models.CharField(_("rule"), max_length=10, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("checklist")
        verbose_name_plural = _("checklists")
        ordering = ["asset_kind", "client_id", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "asset_kind", "version"], name="checklist_version_once"
            ),
            models.UniqueConstraint(
                fields=["asset_kind", "version"],
                condition=Q(client__isnull=True),
                name="checklist_default_version_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class ItemKind(models.TextChoices):
    YES_NO = "yes_no", _("Yes / no")
    NUMBER = "number", _("Number")
    TEXT = "text", _("Text")
    PHOTO = "photo", _("Photo")


class ChecklistItem(models.Model):
    template = models.ForeignKey(ChecklistTemplate, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(_("position"), default=0)
    label = models.CharField(_("item"), max_length=200)
    kind = models.CharField(_("answer type"), max_length=10, choices=ItemKind.choices)
    required = models.BooleanField(_("required"), default=True)
    min_value = models.DecimalField(
        _("minimum"), max_digits=12, decimal_places=3, null=True, blank=True
    )
    max_value = models.DecimalField(
        _("maximum"), max_digits=12, decimal_places=3, null=True, blank=True
    )
    unit_label = models.CharField(_("unit"), max_length=20, blank=True)
    rule_id = models.CharField(_("rule"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["template", "position", "pk"]

    def __str__(self) -> str:
        return self.label


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")


class Plan(models.Model):
    """A recurrence for one asset type: `per_period` tickets per asset in each period, spread over
    equal windows of the period; empty `per_period` reads the rule's policy parameter. A sampled
    plan (INS-03) picks a few assets per engineer and period instead of every asset."""

    name = models.CharField(_("name"), max_length=120)
    rule_id = models.CharField(_("rule"), max_length=10)
    asset_kind = models.CharField(_("asset type"), max_length=20, choices=AssetKind.choices)
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices)
    per_period = models.PositiveSmallIntegerField(
        _("inspections per period"),
        null=True,
        blank=True,
        help_text=_("Empty: the number of the policy for this rule."),
    )
    sampled = models.BooleanField(_("sample per engineer (INS-03)"), default=False)
    client = models.ForeignKey(
        "people.Company",
        verbose_name=_("client"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspection_plans",
        limit_choices_to={"kind": "client"},
    )
    unit = models.ForeignKey(
        "people.OrgUnit",
        verbose_name=_("area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspection_plans",
        help_text=_("Empty: everywhere."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("inspection plan")
        verbose_name_plural = _("inspection plans")
        ordering = ["rule_id", "name"]

    def __str__(self) -> str:
        return self.name


class Ticket(models.Model):
    """One inspection of one asset, in the engineer's day (`planned_on`), due by `due_on`."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        SKIPPED = "skipped", _("Skipped (approved)")

    class Kind(models.TextChoices):
        ROUTINE = "routine", _("Routine")
        SPECIAL = "special", _("Special (INS-02)")

    plan = models.ForeignKey(
        Plan,
        verbose_name=_("plan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    asset = models.ForeignKey(
        Asset, verbose_name=_("asset"), on_delete=models.PROTECT, related_name="tickets"
    )
    template = models.ForeignKey(
        ChecklistTemplate,
        verbose_name=_("checklist"),
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    engineer = models.ForeignKey(
        "people.Person",
        verbose_name=_("engineer"),
        on_delete=models.PROTECT,
        related_name="inspection_tickets",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.ROUTINE)
    rule_id = models.CharField(_("rule"), max_length=10)
    window_start = models.DateField(_("window from"))
    planned_on = models.DateField(_("planned on"))
    due_on = models.DateField(_("due on"), db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    event_key = models.CharField(max_length=80, blank=True)  # INS-02: one ticket per event
    sampled_users = models.ManyToManyField(
        "people.Customer",
        verbose_name=_("users to test (INS-03)"),
        blank=True,
        related_name="inspection_tickets",
    )
    created_at = models.DateTimeField(_("created at"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        "people.Person",
        verbose_name=_("done by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("note"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("inspection ticket")
        verbose_name_plural = _("inspection tickets")
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "asset", "window_start"],
                condition=Q(plan__isnull=False),
                name="ticket_once_per_window",
            ),
            models.UniqueConstraint(
                fields=["event_key"], condition=~Q(event_key=""), name="ticket_once_per_event"
            ),
        ]
        indexes = [models.Index(fields=["engineer", "status", "planned_on"])]

    def __str__(self) -> str:
        return f"{self.asset} {self.due_on:%Y-%m-%d}"


class Answer(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="+")
    value_bool = models.BooleanField(null=True, blank=True)
    value_number = models.DecimalField(max_digits=12, decimal_places=3, null=True, blank=True)
    value_text = models.CharField(max_length=1000, blank=True)
    photo = models.FileField(_("photo"), upload_to="inspections/%Y/%m/", blank=True)
    anomaly = models.BooleanField(_("anomaly"), default=False)
    note = models.CharField(_("note"), max_length=500, blank=True)
    order = models.ForeignKey(
        "workorders.Order",
        verbose_name=_("repair order"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inspection_answers",
    )

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["item__position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "item"], name="answer_once_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id}:{self.item}"


class SkipRequest(models.Model):
    """INS-01: nobody skips an inspection without the area supervisor's approval."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="skip_requests")
    requested_by = models.ForeignKey(
        "people.Person", verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"))
    reason = models.CharField(_("reason"), max_length=500)
    approver = models.ForeignKey(
        "people.Person",
        verbose_name=_("approver"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspection_skips_to_decide",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        "people.Person",
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    comment = models.CharField(_("comment"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("skip request")
        verbose_name_plural = _("skip requests")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket"], condition=Q(status="pending"), name="skip_one_pending"
            )
        ]

    def __str__(self) -> str:
        return f"{self.ticket} ({self.status})"


class SpotCheck(models.Model):
    """CB-03: the dispatch centre calls back on a done ticket; a mismatch is a finding."""

    class Result(models.TextChoices):
        PENDING = "pending", _("To call")
        MATCH = "match", _("Matched reality")
        MISMATCH = "mismatch", _("Did not match reality")

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="spot_check")
    sampled_at = models.DateTimeField(_("sampled at"))
    result = models.CharField(
        _("result"), max_length=10, choices=Result.choices, default=Result.PENDING, db_index=True
    )
    checked_by = models.ForeignKey(
        "people.Person",
        verbose_name=_("checked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    supervisor = models.ForeignKey(
        "people.Person",
        verbose_name=_("area supervisor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("spot check")
        verbose_name_plural = _("spot checks")
        ordering = ["result", "-sampled_at"]

    def __str__(self) -> str:
        return f"{self.ticket} {self.result}"
