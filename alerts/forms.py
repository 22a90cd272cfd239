from django import forms

from alerts.models import Subscription


class FollowForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter your email address.",
            "invalid": "Enter an email address in the right form, like name@example.com.",
            "max_length": "Enter an email address of 254 characters or fewer.",
        },
    )
    frequency = forms.ChoiceField(
        label="How often",
        choices=Subscription.Frequency.choices,
        initial=Subscription.Frequency.IMMEDIATE,
        error_messages={
            "required": "Choose how often to hear.",
            "invalid_choice": "Choose how often to hear from the list.",
        },
    )


class FrequencyForm(forms.Form):
    frequency = forms.ChoiceField(choices=Subscription.Frequency.choices)
