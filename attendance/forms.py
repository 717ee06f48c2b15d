from django import forms
from django.utils.translation import gettext_lazy as _

from attendance.models import ProxySigning
from core import clock


class PunchForm(forms.Form):
    """The one-tap sign-in/out. Location fields are filled by the page's script only when the
    person allowed it (PIPL); the key makes a double tap record one punch."""

    key = forms.CharField(max_length=80, required=False)
    latitude = forms.DecimalField(min_value=-90, max_value=90, required=False)
    longitude = forms.DecimalField(min_value=-180, max_value=180, required=False)


class LocationConsentForm(forms.Form):
    consent = forms.ChoiceField(
        choices=[("allow", _("Allow location")), ("deny", _("Don't allow"))]
    )

    @property
    def allowed(self) -> bool:
        return self.cleaned_data["consent"] == "allow"


class CloseMonthForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I checked the month: lock its judgements (later changes show as corrections)."),
    )


class ProxySigningForm(forms.Form):
    """ATT-02: a supervisor records a confirmed proxy signing (代签) of people he sees."""

    signer = forms.ModelChoiceField(queryset=None, label=_("Signed (the one who punched)"))
    signee = forms.ModelChoiceField(queryset=None, label=_("Signed for (the absent one)"))
    date = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signer"].queryset = people
        self.fields["signee"].queryset = people

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day > clock.today():
            raise forms.ValidationError(_("A proxy signing can be recorded only for a past day."))
        return day

    def clean(self):
        data = super().clean()
        signer, signee, day = data.get("signer"), data.get("signee"), data.get("date")
        if signer and signee and signer.pk == signee.pk:
            self.add_error("signee", _("Signer and signee must be different people."))
        elif (
            signer
            and signee
            and day
            and ProxySigning.objects.filter(signer=signer, signee=signee, date=day).exists()
        ):
            self.add_error(None, _("This proxy signing is already recorded."))
        return data
