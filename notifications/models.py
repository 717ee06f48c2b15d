from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """An in-app message to one person, rendered in the recipient's language when created."""

    recipient = models.ForeignKey(
        "people.Person",
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    event = models.CharField(_("event"), max_length=80)  # dotted, e.g. leave.request.approved
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    # The unit (station, community, site) the message is about: the delivery rules of that unit
    # and of every unit above it apply.
    unit = models.ForeignKey(
        "people.OrgUnit",
        verbose_name=_("organisation unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.title


class Channel(models.Model):
    """Where notices go besides the in-app inbox: a mailbox or a group robot (webhook)."""

    class Kind(models.TextChoices):
        EMAIL = "email", _("E-mail")
        DINGTALK = "dingtalk", _("DingTalk group robot")
        WECOM = "wecom", _("WeCom group robot")
        FEISHU = "feishu", _("Feishu group robot")

    WEBHOOK_KINDS = (Kind.DINGTALK, Kind.WECOM, Kind.FEISHU)
    SIGNED_KINDS = (Kind.DINGTALK, Kind.FEISHU)

    name = models.CharField(_("name"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    url = models.URLField(
        _("webhook address"),
        max_length=500,
        blank=True,
        help_text=_("The robot's webhook address, as the group settings show it."),
    )
    secret = models.CharField(
        _("signing secret"),
        max_length=200,
        blank=True,
        help_text=_("DingTalk and Feishu robots with signature checking: the robot's secret."),
    )
    emails = models.CharField(
        _("e-mail addresses"),
        max_length=500,
        blank=True,
        help_text=_("E-mail channels: one or more addresses, separated by commas."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("delivery channel")
        verbose_name_plural = _("delivery channels")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def addresses(self) -> list[str]:
        return [a.strip() for a in self.emails.replace(";", ",").split(",") if a.strip()]

    def clean(self) -> None:
        if self.kind == self.Kind.EMAIL:
            if not self.addresses:
                raise ValidationError({"emails": _("Enter at least one e-mail address.")})
            for address in self.addresses:
                try:
                    validate_email(address)
                except ValidationError:
                    raise ValidationError(
                        {
                            "emails": _("“{address}” is not an e-mail address.").format(
                                address=address
                            )
                        }
                    ) from None
        elif not self.url:
            raise ValidationError({"url": _("A group robot needs its webhook address.")})
        elif not self.url.startswith(("https://", "http://")):
            raise ValidationError({"url": _("The webhook address starts with https://.")})
        if self.kind == self.Kind.WECOM and self.secret:
            raise ValidationError(
                {"secret": _("WeCom robots do not sign messages; leave the secret empty.")}
            )


class DeliveryRule(models.Model):
    """Who gets what, per station: notices about a unit and everything below it whose event
    starts with `event_prefix` go to `channel`, and to the recipient's own e-mail if asked."""

    unit = models.ForeignKey(
        "people.OrgUnit",
        verbose_name=_("station"),
        on_delete=models.CASCADE,
        related_name="delivery_rules",
        help_text=_("Applies to notices about this unit and every unit below it."),
    )
    event_prefix = models.CharField(
        _("events"),
        max_length=80,
        blank=True,
        help_text=_(
            "Start of the event name, e.g. workorders.chain; empty for every event of the unit."
        ),
    )
    channel = models.ForeignKey(
        Channel,
        verbose_name=_("channel"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rules",
    )
    to_recipient_email = models.BooleanField(
        _("also e-mail the recipient"),
        default=False,
        help_text=_("Send the notice to the person's own e-mail address when he has one."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("delivery rule")
        verbose_name_plural = _("delivery rules")
        ordering = ["unit__path", "event_prefix", "pk"]

    def __str__(self) -> str:
        return f"{self.unit} {self.event_prefix or '*'}"

    def clean(self) -> None:
        if self.channel_id is None and not self.to_recipient_email:
            raise ValidationError(
                _("Choose a channel, or send the notice to the recipient's own e-mail.")
            )


class Delivery(models.Model):
    """The delivery log: one notification through one channel (or to the recipient's own
    mailbox), with every attempt. Failed attempts are retried with exponential backoff."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    notification = models.ForeignKey(
        Notification,
        verbose_name=_("notification"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    channel = models.ForeignKey(
        Channel,
        verbose_name=_("channel"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deliveries",
    )
    to_email = models.EmailField(_("to e-mail"), blank=True)  # the recipient's own mailbox
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    history = models.JSONField(_("attempts log"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # When the next attempt is due; while an attempt runs, when it counts as lost.
    next_try_at = models.DateTimeField(_("next try"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_try_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"],
                condition=Q(channel__isnull=False),
                name="delivery_once_per_channel",
            ),
            models.UniqueConstraint(
                fields=["notification", "to_email"],
                condition=Q(channel__isnull=True),
                name="delivery_once_per_mailbox",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.notification} → {self.target}"

    @property
    def target(self) -> str:
        return self.channel.name if self.channel_id else self.to_email
