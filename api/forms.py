from __future__ import annotations

from typing import Any

from django import forms

from api.models import ApiToken


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="What it is for, e.g. “Shop website”.")
    scope = forms.ChoiceField(choices=ApiToken.Scope.choices, initial=ApiToken.Scope.READ)
    expires_at = forms.DateTimeField(
        required=False,
        label="Expires",
        help_text="Leave empty for a token that lasts until you revoke it.",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )

    def __init__(self, *args: Any, admin: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not admin:
            scope = self.fields["scope"]
            assert isinstance(scope, forms.ChoiceField)  # noqa: S101  # declared just above
            scope.choices = [c for c in ApiToken.Scope.choices if c[0] != ApiToken.Scope.ADMIN]
