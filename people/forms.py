from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from people.models import Company, OrgUnit, Person, Skill, Team
from people.queries import people_for, teams_for, units_for
from people.roles import Role
from people.services import assignable_roles


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Username or phone"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        "invalid_login": _("Wrong username/phone or password."),
        "inactive": _("This account is inactive."),
    }


class PersonForm(forms.ModelForm):
    """Editing a person; choices limited to what the editor sees and may assign."""

    class Meta:
        model = Person
        fields = [
            "name",
            "staff_no",
            "phone",
            "role",
            "employment_type",
            "employer",
            "client",
            "unit",
            "team",
            "manager",
            "skills",
            "zones",
            "hired_on",
            "active",
        ]
        widgets = {
            "hired_on": forms.DateInput(attrs={"type": "date"}),
            "skills": forms.CheckboxSelectMultiple,
            "zones": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args, editor, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = set(assignable_roles(editor))
        current = self.instance.role if self.instance.pk else None
        self.fields["role"].choices = [
            (v, label) for v, label in Role.choices if v in allowed or v == current
        ]
        units = units_for(editor)
        self.fields["unit"].queryset = units
        self.fields["zones"].queryset = units
        self.fields["team"].queryset = teams_for(editor)
        self.fields["manager"].queryset = people_for(editor).exclude(pk=self.instance.pk)
        self.fields["skills"].queryset = Skill.objects.all()
        self.fields["employer"].queryset = Company.objects.all()
        self.fields["client"].queryset = Company.objects.filter(kind=Company.Kind.CLIENT)


class NewPersonForm(PersonForm):
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(
        label=_("Initial password"), widget=forms.PasswordInput, min_length=8
    )

    field_order = ["username", "password"]


class PeopleFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    unit = forms.ModelChoiceField(
        label=_("Organisation unit"), queryset=OrgUnit.objects.none(), required=False
    )
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False)
    role = forms.ChoiceField(
        label=_("Role"), choices=[("", _("All roles")), *Role.choices], required=False
    )
    employment_type = forms.ChoiceField(
        label=_("Employment type"),
        required=False,
        choices=[("", _("All types")), *Person._meta.get_field("employment_type").choices],
    )
    active = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("1", _("Active")), ("0", _("Left")), ("", _("All"))],
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_for(user)
        self.fields["team"].queryset = teams_for(user)
