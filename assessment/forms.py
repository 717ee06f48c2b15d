"""Forms of the assessment pages: they parse input; the rules are checked by assessment.services
(so a missing rule or evidence gets the service's own clear message on its field)."""

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from assessment.labels import rule_text
from assessment.services.common import HAND_RULES
from assessment.services.objections import ATTACHMENT_SUFFIXES, MAX_ATTACHMENTS


def parse_month(value: str | None) -> date | None:
    """YYYY-MM (or YYYY-MM-DD) → the month's first day; anything else → None."""
    try:
        year, month = (int(x) for x in (value or "").split("-")[:2])
        if not 2000 <= year <= 2100:
            return None
        return date(year, month, 1)
    except ValueError:
        return None


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget",
            MultipleFileInput(attrs={"accept": ",".join(sorted(ATTACHMENT_SUFFIXES))}),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class ObjectionForm(forms.Form):
    text = forms.CharField(
        label=_("Your objection"),
        max_length=5000,
        required=False,  # the service says "State the objection." on this field
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    attachments = MultipleFileField(
        label=_("Photos or documents (at most {count})").format(count=MAX_ATTACHMENTS),
        required=False,
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ManualEntryForm(forms.Form):
    """KPI-05 (tools, badge, dress) and BEH-03 (phone off): a finding always cites a rule and
    the evidence it rests on."""

    person = forms.ModelChoiceField(label=_("Person"), queryset=None)
    month = forms.CharField(
        label=_("Assessment month"),
        max_length=7,
        widget=forms.TextInput(attrs={"placeholder": "2026-11", "inputmode": "numeric"}),
    )
    # A select over any text: a rule that may not be recorded by hand gets the service's message.
    rule_id = forms.CharField(label=_("Rule"), max_length=10, required=False)
    evidence_text = forms.CharField(
        label=_("Evidence (what was seen, where, when, by whom)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        choices = [("", _("Choose the rule"))] + [
            (rule, f"{rule} · {rule_text(rule)}") for rule in HAND_RULES
        ]
        self.fields["rule_id"].widget = forms.Select(choices=choices)

    def clean_month(self):
        month = parse_month(self.cleaned_data.get("month"))
        if month is None:
            raise forms.ValidationError(_("Give the month as YYYY-MM."))
        return month
