"""The customer's forms: the ticket form, a reply through the private link, "send me my links"."""

from __future__ import annotations

from django import forms

from tickets.attachments import AttachmentsField
from tickets.models import Ticket
from tickets.models.ticket import CUSTOMER_KIND_LABELS
from tickets.services.portal import BODY_MAX, NAME_MAX, SUBJECT_MAX

EMAIL_ERRORS = {
    "required": "Please give your email address: we send your reference and private link there.",
    "invalid": "Please give an email address like name@example.com.",
}


class TicketSubmitForm(forms.Form):
    name = forms.CharField(
        label="Your name",
        max_length=NAME_MAX,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": "Please tell us your name, so we know how to address you."},
    )
    email = forms.EmailField(
        label="Your email address",
        help_text="We'll send your reference and a private link here.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages=EMAIL_ERRORS,
    )
    kind = forms.ChoiceField(
        label="What is this about?",
        choices=[(kind.value, CUSTOMER_KIND_LABELS[kind]) for kind in Ticket.Kind],
        widget=forms.RadioSelect,
        error_messages={"required": "Please choose the option that fits best."},
    )
    subject = forms.CharField(
        label="Subject",
        max_length=SUBJECT_MAX,
        help_text="A few words that sum it up.",
        error_messages={"required": "Please give your request a short subject."},
    )
    description = forms.CharField(
        label="Tell us more",
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="What happened, what you expected, and anything you've already tried.",
        error_messages={"required": "Please tell us what happened, so we can help."},
    )
    attachments = AttachmentsField()
    submission_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    # Filled in by the browser (static/js/portal.js) so promises read in the customer's own time.
    timezone = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)


class CustomerReplyForm(forms.Form):
    body = forms.CharField(
        label="Your reply",
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Please write your reply before sending."},
    )
    attachments = AttachmentsField()


class ResendLinksForm(forms.Form):
    email = forms.EmailField(
        label="Your email address",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages=EMAIL_ERRORS,
    )
