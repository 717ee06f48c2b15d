"""Forms of the request pages: they parse input; the rules are checked by leave.services."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from leave.models import Half, Request
from leave.queries import active_leave_types, cc_candidates_for, cover_candidates_for
from leave.services import ATTACHMENT_SUFFIXES, MAX_ATTACHMENT_BYTES

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"

# Which inputs each kind of request shows (the form is one page per kind on a phone).
FIELDS_BY_KIND = {
    Request.Kind.LEAVE: [
        "leave_type",
        "start_date",
        "start_half",
        "end_date",
        "end_half",
        "reason",
        "emergency",
        "attachment",
        "cc",
    ],
    Request.Kind.TRIP: [
        "destination",
        "start_date",
        "start_half",
        "end_date",
        "end_half",
        "reason",
        "emergency",
        "attachment",
        "cc",
    ],
    Request.Kind.SECONDMENT: [
        "requesting_unit",
        "start_date",
        "start_half",
        "end_date",
        "end_half",
        "reason",
        "emergency",
        "attachment",
        "cc",
    ],
    Request.Kind.OVERTIME: ["start_at", "end_at", "reason", "emergency", "cc"],
    Request.Kind.MAKEUP: ["start_at", "reason", "cc"],
}


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=DATETIME_FORMAT, **kwargs)


class RequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Request"), choices=Request.Kind.choices, widget=forms.HiddenInput
    )
    # A double tap or a resent form files the request once (see submit_request).
    idempotency_key = forms.CharField(max_length=80, required=False, widget=forms.HiddenInput)
    leave_type = forms.ModelChoiceField(
        label=_("Type of leave"), queryset=active_leave_types(), required=False
    )
    destination = forms.CharField(label=_("Destination"), max_length=120, required=False)
    requesting_unit = forms.CharField(label=_("Requesting unit"), max_length=120, required=False)
    start_date = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    start_half = forms.ChoiceField(
        label=_("From (half day)"), choices=Half.choices, initial=Half.AM
    )
    end_date = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end_half = forms.ChoiceField(label=_("To (half day)"), choices=Half.choices, initial=Half.PM)
    start_at = forms.DateTimeField(
        label=_("Start"),
        required=False,
        widget=DateTimeLocalInput(),
        input_formats=[DATETIME_FORMAT],
    )
    end_at = forms.DateTimeField(
        label=_("End"), required=False, widget=DateTimeLocalInput(), input_formats=[DATETIME_FORMAT]
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    emergency = forms.BooleanField(
        label=_("Emergency (sudden illness, accident): filed afterwards"), required=False
    )
    attachment = forms.FileField(
        label=_("Attachment (e.g. hospital certificate)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(sorted(ATTACHMENT_SUFFIXES))}),
    )
    cc = forms.ModelMultipleChoiceField(
        label=_("Copy to"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )

    def __init__(self, *args, person, kind, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cc"].queryset = cc_candidates_for(person)
        self.fields["kind"].initial = kind
        self.fields["idempotency_key"].initial = uuid.uuid4().hex
        self.kind = kind
        # Only the inputs of this kind are shown and parsed.
        for name in list(self.fields):
            if name not in {"kind", "idempotency_key"} and name not in FIELDS_BY_KIND[kind]:
                del self.fields[name]
        if "start_at" in self.fields and kind == Request.Kind.MAKEUP:
            self.fields["start_at"].label = _("Time of the missing punch")

    def clean_attachment(self):
        attachment = self.cleaned_data.get("attachment")
        if attachment and attachment.size > MAX_ATTACHMENT_BYTES:
            raise forms.ValidationError(_("The attachment is larger than 10 MB."))
        return attachment


class DecisionForm(forms.Form):
    # A textarea: Enter in a one-line input would submit the form with its first button.
    comment = forms.CharField(
        label=_("Comment"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class TripReportForm(forms.Form):
    text = forms.CharField(
        label=_("Trip report"), max_length=10000, widget=forms.Textarea(attrs={"rows": 6})
    )


class CoverForm(forms.Form):
    cover = forms.ModelChoiceField(label=_("Reserve engineer"), queryset=None)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cover"].queryset = cover_candidates_for(user)
