"""Equipment stock-takes (INS-07), the machine-room entry register and the lent-out register
(SEC-04), confidentiality agreements and security requests (SEC-01..03)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

COMMUNITY = {"kind": "community"}


class EquipmentItem(models.Model):
    """Equipment kept in a community (INS-07 counts it): e.g. an ONU stock, a splicer."""

    community = models.ForeignKey(
        "people.OrgUnit",
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="equipment",
        limit_choices_to=COMMUNITY,
    )
    name = models.CharField(_("equipment"), max_length=120)
    serial = models.CharField(_("serial number"), max_length=60, blank=True)
    expected_quantity = models.PositiveIntegerField(_("expected quantity"), default=1)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("equipment item")
        verbose_name_plural = _("equipment items")
        ordering = ["community", "name", "serial"]

    def __str__(self) -> str:
        return f"{self.name} {self.serial}".strip()


class StockTake(models.Model):
    """One periodic count of a community's equipment (INS-07), due on `due_on`."""

    class Status(models.TextChoices):
        OPEN = "open", _("To count")
        DONE = "done", _("Counted")

    community = models.ForeignKey(
        "people.OrgUnit",
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="stocktakes",
        limit_choices_to=COMMUNITY,
    )
    due_on = models.DateField(_("due on"), db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    counted_by = models.ForeignKey(
        "people.Person",
        verbose_name=_("counted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    counted_at = models.DateTimeField(_("counted at"), null=True, blank=True)
    overdue_notified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("stock-take")
        verbose_name_plural = _("stock-takes")
        ordering = ["-due_on", "community"]
        constraints = [
            models.UniqueConstraint(fields=["community", "due_on"], name="stocktake_once_per_due")
        ]

    def __str__(self) -> str:
        return f"{self.community} {self.due_on}"

    def is_overdue(self, today) -> bool:
        from registers.rules import stocktake_overdue

        return stocktake_overdue(self.due_on, self.status == self.Status.DONE, today)


class StockTakeLine(models.Model):
    stocktake = models.ForeignKey(
        StockTake, verbose_name=_("stock-take"), on_delete=models.CASCADE, related_name="lines"
    )
    item = models.ForeignKey(
        EquipmentItem, verbose_name=_("equipment"), on_delete=models.PROTECT, related_name="+"
    )
    expected = models.PositiveIntegerField(_("expected"))
    counted = models.PositiveIntegerField(_("counted"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("stock-take line")
        verbose_name_plural = _("stock-take lines")
        ordering = ["stocktake", "item__name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["stocktake", "item"], name="stocktake_line_once")
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.counted}/{self.expected}"


class Loss(models.Model):
    """A shortfall found by a stock-take: reported to the police, the case receipt
    (接受案件回执单) archived, followed up until closed (INS-07)."""

    class Status(models.TextChoices):
        OPEN = "open", _("To report to the police")
        REPORTED = "reported", _("Reported, receipt archived")
        CLOSED = "closed", _("Closed")

    line = models.OneToOneField(
        StockTakeLine,
        verbose_name=_("stock-take line"),
        on_delete=models.PROTECT,
        related_name="loss",
    )
    stocktake = models.ForeignKey(
        StockTake, verbose_name=_("stock-take"), on_delete=models.PROTECT, related_name="losses"
    )
    quantity = models.PositiveIntegerField(_("missing quantity"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(
        "people.Person", verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    police_case_no = models.CharField(_("police case number"), max_length=60, blank=True)
    police_receipt = models.FileField(
        _("police case receipt"), upload_to="registers/receipts/%Y/%m/", blank=True
    )
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    follow_up = models.JSONField(_("follow-up"), default=list, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("equipment loss")
        verbose_name_plural = _("equipment losses")
        ordering = ["-recorded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.line.item} × {self.quantity}"


class MachineRoomEntry(models.Model):
    """One visit to a machine room (机房登记表), always escorted by a member of staff (SEC-04)."""

    unit = models.ForeignKey(
        "people.OrgUnit", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+"
    )
    room = models.CharField(_("machine room"), max_length=120)
    visitor_name = models.CharField(_("visitor"), max_length=60)
    visitor_company = models.CharField(_("visitor's company"), max_length=120)
    purpose = models.CharField(_("purpose"), max_length=300)
    escort = models.ForeignKey(
        "people.Person", verbose_name=_("escort"), on_delete=models.PROTECT, related_name="+"
    )
    time_in = models.DateTimeField(_("time in"), db_index=True)
    time_out = models.DateTimeField(_("time out"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        "people.Person", verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("machine-room entry")
        verbose_name_plural = _("machine-room entries")
        ordering = ["-time_in", "-pk"]

    def __str__(self) -> str:
        return f"{self.room} {self.visitor_name}"


class Loan(models.Model):
    """Equipment or media lent out, registered until returned (SEC-04)."""

    class Kind(models.TextChoices):
        EQUIPMENT = "equipment", _("Equipment")
        MEDIA = "media", _("Storage medium")

    unit = models.ForeignKey(
        "people.OrgUnit", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    item = models.CharField(_("item"), max_length=120)
    serial = models.CharField(_("serial number"), max_length=60, blank=True)
    borrower = models.CharField(_("borrower"), max_length=60)
    borrower_company = models.CharField(_("borrower's company"), max_length=120, blank=True)
    lent_by = models.ForeignKey(
        "people.Person", verbose_name=_("lent by"), on_delete=models.PROTECT, related_name="+"
    )
    lent_at = models.DateTimeField(_("lent at"))
    due_back = models.DateTimeField(_("due back"), db_index=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    returned_to = models.ForeignKey(
        "people.Person",
        verbose_name=_("returned to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    overdue_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lent-out item")
        verbose_name_plural = _("lent-out items")
        ordering = ["returned_at", "due_back", "-pk"]

    def __str__(self) -> str:
        return f"{self.item} → {self.borrower}"

    def is_overdue(self, at) -> bool:
        from registers.rules import loan_overdue

        return loan_overdue(self.due_back, self.returned_at, at)


class ConfidentialityAgreement(models.Model):
    """SEC-01: a member of staff at the client site has signed the confidentiality agreement."""

    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="confidentiality_agreements",
    )
    signed_on = models.DateField(_("signed on"))
    file = models.FileField(_("signed agreement"), upload_to="registers/agreements/%Y/")
    recorded_by = models.ForeignKey(
        "people.Person", verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("confidentiality agreement")
        verbose_name_plural = _("confidentiality agreements")
        ordering = ["-signed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.person} {self.signed_on}"


class SecurityRequest(models.Model):
    """SEC-02: bringing a private device into the office; SEC-03: copying data out of the
    intranet. Both need the manager's approval first."""

    class Kind(models.TextChoices):
        PRIVATE_DEVICE = "private_device", _("Private device in the office")  # SEC-02
        DATA_COPY = "data_copy", _("Copy data out of the intranet")  # SEC-03

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("applicant"),
        on_delete=models.PROTECT,
        related_name="security_requests",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    subject = models.CharField(_("device or data"), max_length=200)
    reason = models.CharField(_("reason"), max_length=1000)
    approver = models.ForeignKey(
        "people.Person", verbose_name=_("approver"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    comment = models.CharField(_("comment"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("created at"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("security request")
        verbose_name_plural = _("security requests")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.person} {self.get_kind_display()}"

    @property
    def rule_id(self) -> str:
        return "SEC-02" if self.kind == self.Kind.PRIVATE_DEVICE else "SEC-03"
