"""Station configuration of deliveries: channels (mailboxes, group robots) and who gets what.

Changes are audited like any other admin change, but a channel's credentials (the signing secret
and the webhook address, which carries the robot's token) appear in the audit trail only as a
short fingerprint.
"""

import hashlib

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core import audit
from core.admin import AuditedAdmin
from notifications.channels import redact_url
from notifications.models import Channel, DeliveryRule


def _fingerprint(value: str) -> str:
    return f"sha256:{hashlib.sha256(value.encode()).hexdigest()[:8]}" if value else ""


def channel_snapshot(channel: Channel) -> dict:
    values = audit.snapshot(channel)
    values["secret"] = _fingerprint(channel.secret)
    values["url"] = redact_url(channel.url)
    return values


class ChannelForm(forms.ModelForm):
    url = forms.URLField(
        label=_("webhook address"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("The robot's webhook address, as the group settings show it."),
    )
    secret = forms.CharField(
        label=_("signing secret"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_(
            "DingTalk and Feishu robots with signature checking. Leave empty to keep the saved secret."
        ),
    )

    class Meta:
        model = Channel
        fields = ["name", "kind", "url", "secret", "emails", "active"]

    def clean_secret(self) -> str:
        secret = self.cleaned_data.get("secret", "").strip()
        if not secret and self.instance.pk:
            return Channel.objects.get(pk=self.instance.pk).secret
        return secret


@admin.register(Channel)
class ChannelAdmin(AuditedAdmin):
    form = ChannelForm
    list_display = ["name", "kind", "target", "signed", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name"]

    @admin.display(description=_("goes to"))
    def target(self, obj: Channel) -> str:
        return obj.emails if obj.kind == Channel.Kind.EMAIL else redact_url(obj.url)

    @admin.display(description=_("signed"), boolean=True)
    def signed(self, obj: Channel) -> bool:
        return bool(obj.secret)

    # AuditedAdmin's three steps, with the credentials fingerprinted.
    def save_model(self, request, obj, form, change):
        before = channel_snapshot(Channel.objects.get(pk=obj.pk)) if change else {}
        obj.save()
        self._pending = (before, change)

    def save_related(self, request, form, formsets, change):
        admin.ModelAdmin.save_related(self, request, form, formsets, change)
        obj = form.instance
        before, changed = getattr(self, "_pending", ({}, change))
        delta = audit.diff(before, channel_snapshot(obj))
        if delta or not changed:
            action = f"admin.channel.{'changed' if changed else 'created'}"
            audit.record(obj, action, by=request.user, changes=delta)

    def delete_model(self, request, obj):
        audit.record(
            obj,
            "admin.channel.deleted",
            by=request.user,
            changes=audit.diff(channel_snapshot(obj), {}),
        )
        obj.delete()


@admin.register(DeliveryRule)
class DeliveryRuleAdmin(AuditedAdmin):
    list_display = ["unit", "event_prefix", "channel", "to_recipient_email", "active"]
    list_filter = ["active", "channel"]
    search_fields = ["unit__name", "event_prefix"]
    autocomplete_fields = ["unit"]
