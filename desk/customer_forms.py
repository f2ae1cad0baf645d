"""The customer page's forms: the name agents know a customer by, and merging another record in."""

from __future__ import annotations

from django import forms

from tickets.services.customers import NAME_MAX


class CustomerNameForm(forms.Form):
    name = forms.CharField(label="Name", max_length=NAME_MAX)


class CustomerMergeForm(forms.Form):
    email = forms.EmailField(
        label="Their other address",
        max_length=254,
        help_text="The address of the other customer record. Its tickets move here, and the address stays "
        "as this customer's second one.",
    )
    # Set by the confirmation step's button: without it the page only asks.
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)
