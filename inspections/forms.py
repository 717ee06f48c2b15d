"""Forms of the inspection pages. The checklist itself is built from its items (views.py)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from inspections.models import AssetKind, ChecklistItem, Frequency, ItemKind, Plan
from people.models import Company


class AssetFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("All types")), *AssetKind.choices]
    )
    q = forms.CharField(label=_("Search"), required=False, max_length=60)


class ChecklistForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    asset_kind = forms.ChoiceField(label=_("Asset type"), choices=AssetKind.choices)
    client = forms.ModelChoiceField(
        label=_("Client"),
        required=False,
        queryset=Company.objects.filter(kind=Company.Kind.CLIENT),
        empty_label=_("Every client (default)"),
    )


class ItemForm(forms.ModelForm):
    class Meta:
        model = ChecklistItem
        fields = ["label", "kind", "required", "min_value", "max_value", "unit_label", "rule_id"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = ItemKind.choices


class PlanForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = ["name", "rule_id", "asset_kind", "frequency", "per_period", "sampled", "client"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["frequency"].choices = Frequency.choices
        self.fields["client"].queryset = Company.objects.filter(kind=Company.Kind.CLIENT)
        # The recurrence is checked by the service (nothing stored when impossible).
        self.fields["per_period"].widget.attrs.pop("min", None)
        self.fields["per_period"].min_value = None
        self.fields["per_period"].validators = []
