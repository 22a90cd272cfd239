"""The back office's view of email alerts: what was sent and what failed, the reminders
written, the addresses that stopped them (deleting one starts them again), and readers'
subscriptions (deleted on request). Nothing here is edited by hand: the services write it."""

from django.contrib import admin

from alerts.models import Message, Reminder, ReminderOptOut, Subscription


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "to", "subject", "reason", "status", "attempts", "sent_at"]
    list_filter = ["status", "reason"]
    search_fields = ["to", "subject"]
    readonly_fields = [field.name for field in Message._meta.fields]
    date_hierarchy = "created_at"


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ["written_at", "kind", "about", "due", "to"]
    list_filter = ["kind"]
    search_fields = ["to", "about"]
    readonly_fields = [field.name for field in Reminder._meta.fields]


@admin.register(ReminderOptOut)
class ReminderOptOutAdmin(ReadOnlyAdmin):
    """An address that stopped its reminders; delete the row to start them again."""

    list_display = ["email", "at"]
    search_fields = ["email"]
    readonly_fields = ["email", "at"]


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdmin):
    list_display = ["email", "kind", "key", "frequency", "confirmed_at", "last_sent_at"]
    list_filter = ["kind", "frequency"]
    search_fields = ["email", "key"]
    readonly_fields = [field.name for field in Subscription._meta.fields if field.name != "token"]
    exclude = ["token"]
