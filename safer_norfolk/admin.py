import datetime

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.timezone import localdate
from knox.models import AuthToken, get_digest_token, get_expiry
from knox.settings import CONSTANTS

from safer_norfolk import formats
from safer_norfolk.admin_audit import AuditedAdmin
from safer_norfolk.models import Organisation, Person


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ["name", "short_name", "kind", "people_count"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name"]
    ordering = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(people_count=Count("people"))

    @admin.display(description="People", ordering="people_count")
    def people_count(self, organisation):
        return organisation.people_count


@admin.register(Person)
class PersonAdmin(AuditedAdmin):
    list_display = ["name", "honorific", "job_title", "organisation", "user"]
    list_filter = ["organisation__kind", "organisation"]
    list_select_related = ["organisation", "user"]
    search_fields = ["name", "job_title", "organisation__name", "organisation__short_name"]
    autocomplete_fields = ["organisation", "user"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["honorific", "name", "slug", "job_title", "organisation"]}),
        (
            "Contact (never shown publicly except as a committee's published contact)",
            {"fields": ["email", "phone"]},
        ),
        ("Back-office login", {"fields": ["user"]}),
    ]


class ApiTokenForm(forms.ModelForm):
    lasts = forms.TypedChoiceField(
        choices=[(30, "30 days"), (90, "90 days"), (365, "A year"), ("", "Until it is deleted")],
        coerce=int,
        empty_value=None,
        required=False,
        initial=365,
        help_text="A token also stops working when its officer’s password changes.",
    )

    class Meta:
        model = AuthToken
        fields = ["user"]
        labels = {"user": "Officer"}


# knox's own admin shows a new token in a message, which waits in a cookie for the next page.
admin.site.unregister(AuthToken)


@admin.register(AuthToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """API tokens for officers' own systems. A token is issued here and shown once, on the
    page that answers the form; the database keeps only its digest and first characters. It is
    never edited: delete it to revoke it."""

    form = ApiTokenForm
    list_display = ["user", "starts_with", "created", "expiry"]
    list_select_related = ["user"]
    search_fields = ["user__username", "token_key"]
    autocomplete_fields = ["user"]
    ordering = ["-created"]
    show_save_and_add_another = False
    show_save_and_continue = False

    readonly_fields = ["starts_with", "created", "expiry"]

    def get_fields(self, request, obj=None):
        return ["user", "lasts"] if obj is None else ["user", "starts_with", "created", "expiry"]

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="Starts with")
    def starts_with(self, token):
        return f"{token.token_key[:8]}…"

    def save_model(self, request, obj, form, change):
        digest, obj.token = get_digest_token()
        obj.digest = digest
        obj.token_key = obj.token[: CONSTANTS.TOKEN_KEY_LENGTH]
        lasts = form.cleaned_data["lasts"]
        obj.expiry = get_expiry(datetime.timedelta(days=lasts) if lasts else None)
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        until = (
            f"until {formats.date(localdate(obj.expiry), 'j F Y')}"
            if obj.expiry
            else "until it is deleted"
        )
        content = format_html(
            "<p>The new token for {} is below. Copy it into the officer’s system now: it is "
            "shown only on this page and cannot be found again.</p>"
            '<p><code class="api-token">{}</code></p>'
            "<p>It works {}, or until {}’s password changes. Send it in each request’s "
            "header as <code>Authorization: Token …</code>.</p>"
            '<p><a href="{}">Back to the API tokens</a></p>',
            obj.user.get_username(),
            obj.token,
            until,
            obj.user.get_username(),
            reverse("admin:knox_authtoken_changelist", current_app=self.admin_site.name),
        )
        context = {
            **self.admin_site.each_context(request),
            "title": "API token issued",
            "content": content,
        }
        return TemplateResponse(request, "admin/base_site.html", context)
