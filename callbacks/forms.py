"""Callback and complaint forms. The services validate again (the API has no forms)."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from callbacks.models import BehaviourItem
from callbacks.rules import SATISFACTION_SCORES


class CallbackForm(forms.Form):
    """CB-01/CB-02: the behaviour items the engineer violated (BEH-01) and the satisfaction."""

    violations = forms.MultipleChoiceField(
        label=_("Violated behaviour items"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    satisfaction = forms.TypedChoiceField(
        label=_("Satisfaction (1–5)"),
        coerce=int,
        choices=[("", "—")] + [(n, str(n)) for n in reversed(SATISFACTION_SCORES)],
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, checked=(), **kwargs):
        super().__init__(*args, **kwargs)
        items = BehaviourItem.objects.filter(active=True) | BehaviourItem.objects.filter(
            code__in=list(checked)
        )
        self.fields["violations"].choices = [
            (item.code, gettext(item.label)) for item in items.distinct().order_by("position")
        ]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ComplaintForm(forms.Form):
    """Register a complaint (CB-04): about an engineer, optionally on an order."""

    engineer = forms.ModelChoiceField(label=_("Engineer"), queryset=None, required=False)
    order_number = forms.CharField(label=_("Work order number"), max_length=20, required=False)
    text = forms.CharField(
        label=_("Complaint"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, engineers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["engineer"].queryset = engineers
