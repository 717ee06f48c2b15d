"""Forms of the order pages: they parse input; the rules are checked by workorders.services."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from people.models import Person
from people.queries import customers_for, units_for
from workorders.models import CauseClass, FaultClass, Kind, State, SupportKind
from workorders.queries import ALL_STEPS, engineers_for, stations_for_board

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
ID_NUMBER_RE = re.compile(r"^(\d{17}[\dXx]|\d{15})$")  # resident ID card, 18 (or old 15) digits

# Which inputs each order type shows: the intake is one page per type, like the request form.
FIELDS_BY_KIND = {
    Kind.INSTALL: ["customer", "address", "description"],
    Kind.REPAIR: ["customer", "fault_class", "critical", "address", "description"],
    Kind.RENEWAL: ["customer", "description"],
    Kind.INSPECTION: ["unit", "address", "description"],
    Kind.SUPPORT: ["support_kind", "unit", "customer", "critical", "address", "description"],
}
REGISTRATION_FIELDS = ["name", "id_number", "package", "phone", "address", "preferred_time"]


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=DATETIME_FORMAT, **kwargs)


def _blank(choices) -> list:
    return [("", "—"), *choices]


class OrderForm(forms.Form):
    """Customer service takes a call: the type decides which inputs are asked (FIELDS_BY_KIND);
    a new-user install carries the registration form (WO-10)."""

    customer = forms.ModelChoiceField(
        label=_("Customer"), queryset=None, required=False, widget=forms.HiddenInput
    )
    customer_q = forms.CharField(
        label=_("Find the customer"),
        required=False,
        max_length=60,
        help_text=_("Account number, name or phone digits"),
    )
    fault_class = forms.ChoiceField(
        label=_("Fault class"),
        choices=_blank(FaultClass.choices),
        required=False,
        help_text=_("General faults are cleared within 24 h, major ones within 72 h (WO-04)."),
    )
    support_kind = forms.ChoiceField(
        label=_("Support task"), choices=_blank(SupportKind.choices), required=False
    )
    critical = forms.BooleanField(
        label=_("Critical problem"),
        required=False,
        help_text=_(
            "Service interruption, severe performance loss or billing (WO-09): product support "
            "and the office head are told at once."
        ),
    )
    unit = forms.ModelChoiceField(
        label=_("Site"),
        queryset=None,
        required=False,
        help_text=_("Only when there is no customer: the customer's unit is the site."),
    )
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    description = forms.CharField(
        label=_("Description"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    reg_name = forms.CharField(label=_("Subscriber name"), max_length=60, required=False)
    reg_id_number = forms.CharField(label=_("ID card number"), max_length=18, required=False)
    reg_package = forms.CharField(label=_("Package"), max_length=60, required=False)
    reg_phone = forms.CharField(label=_("Contact phone"), max_length=20, required=False)
    reg_address = forms.CharField(label=_("Installation address"), max_length=200, required=False)
    reg_preferred_time = forms.CharField(
        label=_("Preferred visit time"), max_length=60, required=False
    )

    def __init__(self, *args, user, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.fields["customer"].queryset = customers_for(user)
        self.fields["unit"].queryset = units_for(user).order_by("path")
        shown = set(FIELDS_BY_KIND[kind]) | {"customer_q"}
        if kind == Kind.INSTALL:
            shown |= {f"reg_{name}" for name in REGISTRATION_FIELDS}
        for name in list(self.fields):
            if name not in shown and name != "customer":
                del self.fields[name]
        if "customer" not in FIELDS_BY_KIND[kind]:
            del self.fields["customer"]
            del self.fields["customer_q"]

    def clean_reg_id_number(self):
        value = self.cleaned_data.get("reg_id_number", "").strip().upper()
        if value and not ID_NUMBER_RE.match(value):
            raise forms.ValidationError(_("Enter the 18-digit resident ID card number."))
        return value

    def clean(self):
        data = super().clean()
        customer = data.get("customer")
        if (
            "unit" in self.fields
            and customer is None
            and data.get("unit") is None
            and "unit" not in self.errors
        ):
            self.add_error("unit", _("Choose the site or the customer."))
        return data

    def registration(self) -> dict:
        if self.kind != Kind.INSTALL:
            return {}
        return {
            name: self.cleaned_data[f"reg_{name}"]
            for name in REGISTRATION_FIELDS
            if self.cleaned_data.get(f"reg_{name}")
        }

    def site(self):
        customer = self.cleaned_data.get("customer")
        return customer.unit if customer is not None else self.cleaned_data.get("unit")


class BoardFilterForm(forms.Form):
    station = forms.ModelChoiceField(label=_("Station"), queryset=None, required=False)
    kind = forms.ChoiceField(label=_("Type"), choices=_blank(Kind.choices), required=False)
    state = forms.ChoiceField(
        label=_("State"),
        choices=[("", _("Open")), ("all", _("All")), *State.choices],
        required=False,
    )
    sla = forms.ChoiceField(
        label=_("SLA"),
        choices=[
            ("", "—"),
            ("red", _("Red: overdue")),
            ("amber", _("Amber: due soon")),
            ("green", _("Green")),
        ],
        required=False,
    )
    q = forms.CharField(label=_("Number or customer"), max_length=40, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = stations_for_board(user)


class DispatchForm(forms.Form):
    engineer = forms.ModelChoiceField(
        label=_("Engineer"), queryset=Person.objects.none(), widget=forms.RadioSelect
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["engineer"].queryset = engineers_for(user)
        self.fields["engineer"].error_messages["invalid_choice"] = _(
            "Choose an active engineer you may dispatch to."
        )


class StepForm(forms.Form):
    """One lifecycle step from the phone page or the order page (workorders.steps)."""

    step = forms.ChoiceField(choices=[(s, s) for s in ALL_STEPS])
    outcome = forms.ChoiceField(
        label=_("Call outcome"),
        choices=[
            ("", "—"),
            ("reached", _("Reached")),
            ("no_answer", _("No answer")),
            ("busy", _("Busy")),
            ("wrong_number", _("Wrong number")),
        ],
        required=False,
    )
    start = forms.DateTimeField(
        label=_("From"), required=False, input_formats=[DATETIME_FORMAT], widget=DateTimeLocalInput
    )
    end = forms.DateTimeField(
        label=_("To"), required=False, input_formats=[DATETIME_FORMAT], widget=DateTimeLocalInput
    )
    note = forms.CharField(label=_("Note"), max_length=1000, required=False)
    cause_class = forms.ChoiceField(
        label=_("Cause (WO-13)"), choices=_blank(CauseClass.choices), required=False
    )
    case_report = forms.CharField(
        label=_("Case report"), max_length=5000, required=False, widget=forms.Textarea
    )

    def first_error(self) -> str:
        for name, errors in self.errors.items():
            label = self.fields[name].label if name in self.fields else ""
            return f"{label}: {errors[0]}" if label else str(errors[0])
        return ""
