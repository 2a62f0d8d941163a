"""The forms of the expert's process (they parse input; the rules are the services')."""

from django import forms
from django.utils.translation import gettext_lazy as _

from expertise.models import REASON_MAX_LENGTH


class ExemptionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the exemption"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("ECCP waives its checks for the clusters of a recognised national or regional programme."),
    )
