"""The wage form of the settlement guard (HR)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from people.models import Person


class WageForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Person"), queryset=Person.objects.none())
    monthly_wage = forms.CharField(label=_("Monthly wage (CNY)"), max_length=14)
    minimum_wage = forms.CharField(
        label=_("Local minimum wage (CNY)"), max_length=14, required=False
    )
    effective_from = forms.DateField(
        label=_("Effective from"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        if people is not None:
            self.fields["person"].queryset = people
