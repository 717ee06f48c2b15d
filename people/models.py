from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from people.roles import EmploymentType, Role

phone_validator = RegexValidator(
    r"^1\d{10}$|^0\d{2,3}-?\d{7,8}$", _("Enter a mainland phone number, e.g. 13512341203.")
)


class Company(models.Model):
    class Kind(models.TextChoices):
        OWN = "own", _("Our company")
        CLIENT = "client", _("Client")
        VENDOR = "vendor", _("Vendor")

    name = models.CharField(_("name"), max_length=120, unique=True)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.short_name or self.name


class OrgUnit(models.Model):
    """A node of the organisation tree: region, station (区站), town (镇区), community (社区), site."""

    class Kind(models.TextChoices):
        REGION = "region", _("Region")
        STATION = "station", _("Station")
        TOWN = "town", _("Town area")
        COMMUNITY = "community", _("Community")
        SITE = "site", _("Client site")

    name = models.CharField(_("name"), max_length=120)
    code = models.CharField(_("code"), max_length=30, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    client = models.ForeignKey(
        Company,
        verbose_name=_("client"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="units",
        limit_choices_to={"kind": Company.Kind.CLIENT},
    )
    # Materialised path "/1/4/9/": a subtree is one indexed prefix match on any database.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")

    class Meta:
        verbose_name = _("organisation unit")
        verbose_name_plural = _("organisation units")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        old_path = self.path
        if self.pk is None:
            super().save(*args, **kwargs)
            kwargs.pop("force_insert", None)
        parent_path = self.parent.path if self.parent_id else "/"
        self.path = f"{parent_path}{self.pk}/"
        super().save(*args, **kwargs)
        if old_path and old_path != self.path:
            # Moving a unit moves its subtree: rewrite the descendants' path prefix.
            for child in OrgUnit.objects.filter(path__startswith=old_path).exclude(pk=self.pk):
                OrgUnit.objects.filter(pk=child.pk).update(
                    path=self.path + child.path[len(old_path) :]
                )

    @property
    def depth(self) -> int:
        return max(self.path.count("/") - 2, 0)

    def clean(self) -> None:
        node = self.parent
        while node is not None:
            if self.pk and node.pk == self.pk:
                raise ValidationError({"parent": _("A unit cannot be placed under itself.")})
            node = node.parent


class Team(models.Model):
    name = models.CharField(_("name"), max_length=120)
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("organisation unit"), on_delete=models.PROTECT, related_name="teams"
    )
    leader = models.ForeignKey(
        "Person",
        verbose_name=_("group leader"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_teams",
    )

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["unit__path", "name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="team_unique_name_per_unit")
        ]

    def __str__(self) -> str:
        return self.name


class Skill(models.Model):
    name = models.CharField(_("name"), max_length=60, unique=True)

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    """A member of staff or a contact at a client or vendor, with one login user."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        on_delete=models.PROTECT,
        related_name="person",
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=60)
    staff_no = models.CharField(_("staff number"), max_length=30, unique=True)
    phone = models.CharField(
        _("phone"), max_length=20, unique=True, null=True, blank=True, validators=[phone_validator]
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, db_index=True)
    employment_type = models.CharField(
        _("employment type"),
        max_length=12,
        choices=EmploymentType.choices,
        default=EmploymentType.OWN,
    )
    employer = models.ForeignKey(
        Company, verbose_name=_("employer"), on_delete=models.PROTECT, related_name="staff"
    )
    client = models.ForeignKey(
        Company,
        verbose_name=_("client served"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="served_by",
        limit_choices_to={"kind": Company.Kind.CLIENT},
    )
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("organisation unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="people",
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    manager = models.ForeignKey(
        "self",
        verbose_name=_("manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
    )
    skills = models.ManyToManyField(
        Skill, verbose_name=_("skills"), blank=True, related_name="people"
    )
    zones = models.ManyToManyField(
        OrgUnit, verbose_name=_("responsibility zones"), blank=True, related_name="responsible"
    )
    hired_on = models.DateField(_("hired on"), null=True, blank=True)
    active = models.BooleanField(pgettext_lazy("person", "active"), default=True)
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default="zh-hans"
    )
    # PIPL: location is sensitive. None = not asked yet; asked once on the phone page.
    location_consent = models.BooleanField(_("location consent"), null=True, blank=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["staff_no"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.manager_id and self.pk and self.manager_id == self.pk:
            raise ValidationError({"manager": _("A person cannot be his or her own manager.")})
        if self.team_id and self.unit_id and self.team.unit_id != self.unit_id:
            raise ValidationError({"team": _("The team belongs to another organisation unit.")})


class Customer(models.Model):
    """A subscriber. The phone number is shown masked except to roles that call customers (SEC-05)."""

    name = models.CharField(pgettext_lazy("person", "name"), max_length=60)
    account_no = models.CharField(_("account number"), max_length=30, unique=True)
    phone = models.CharField(_("phone"), max_length=20, validators=[phone_validator])
    address = models.CharField(_("address"), max_length=200)
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("organisation unit"),
        on_delete=models.PROTECT,
        related_name="customers",
    )
    client = models.ForeignKey(
        Company,
        verbose_name=_("client"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="customers",
    )

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["account_no"]

    def __str__(self) -> str:
        return f"{self.name} ({self.account_no})"
