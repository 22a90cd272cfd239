"""Following by email, for anyone, with no account: ask (a form on each followable page's
button), confirm from the emailed link, manage and leave from the links in every message.
None of these pages is kept by the page cache: they are one reader's."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from alerts import links, services, targets
from alerts.forms import FollowForm, FrequencyForm
from alerts.models import ReminderOptOut, Subscription
from safer_norfolk import limits
from safer_norfolk.accounts import client_address


def _limited(request, email):
    """The seconds to wait when the address or the network address has asked to follow too
    often this hour, else None (each request counts, whatever came of it)."""
    hour = 3600
    waits = [
        left
        for name, limit in (
            (
                f"alerts-address:{limits.digest(email.lower())}",
                settings.ALERTS_REQUESTS_PER_ADDRESS,
            ),
            (
                f"alerts-ip:{limits.digest(client_address(request))}",
                settings.ALERTS_REQUESTS_PER_IP,
            ),
        )
        for count, left in [limits.hit(name, hour)]
        if count > limit
    ]
    return max(waits) if waits else None


@never_cache
def follow(request, kind, key):
    """The form to follow a committee, a plan, a plan action or an organisation's record (a
    search and the outstanding page have their own addresses, with their own query)."""
    if kind in targets.QUERIES:
        raise Http404("Follow a search or the outstanding page from its own address.")
    return _follow(request, targets.find(kind, key))


@never_cache
def follow_search(request):
    """The form to follow a search, given as the search page's own query; a search for
    nothing asks for the search first."""
    if not request.GET.get("q", "").strip():
        return render(request, "alerts/follow_search.html", {})
    return _follow(request, targets.find(targets.Kind.SEARCH, request.GET.urlencode()))


@never_cache
def follow_outstanding(request):
    """The form to follow the outstanding page with the filters of its own query (none:
    everything outstanding)."""
    return _follow(request, targets.find(targets.Kind.OUTSTANDING, request.GET.urlencode()))


def _follow(request, target):
    if target is None:
        raise Http404("Nothing published to follow here.")
    form = FollowForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        wait = _limited(request, form.cleaned_data["email"])
        if wait is not None:
            response = render(
                request, "alerts/too_many.html", {"target": target, "wait": wait}, status=429
            )
            response["Retry-After"] = str(wait)
            return response
        services.ask_to_follow(
            email=form.cleaned_data["email"],
            target=target,
            frequency=form.cleaned_data["frequency"],
        )
        return redirect("alerts:sent")
    return render(
        request,
        "alerts/follow.html",
        {"target": target, "form": form},
        status=400 if form.errors else 200,
    )


@never_cache
def sent(request):
    return render(request, "alerts/sent.html", {"days": settings.ALERTS_CONFIRM_DAYS})


def _subscription_or_404(signed, purpose):
    subscription = links.subscription_for(signed, purpose)
    if subscription is None:
        raise Http404("This link does not work: it may have expired or been replaced.")
    return subscription


@never_cache
def confirm(request, signed):
    """A button, not the link itself: mail scanners open links, and must not subscribe."""
    subscription = _subscription_or_404(signed, links.CONFIRM)
    target = targets.find(subscription.kind, subscription.key)
    if request.method == "POST":
        services.confirm(subscription)
        if target is not None:
            messages.success(request, f"You now follow {target.title}.")
        return redirect("alerts:manage", signed=links.signed(subscription, links.MANAGE))
    return render(request, "alerts/confirm.html", {"subscription": subscription, "target": target})


@never_cache
def manage(request, signed):
    """Every subscription of the link's address: how often each is sent, and a way to
    leave each."""
    subscription = _subscription_or_404(signed, links.MANAGE)
    if request.method == "POST":
        chosen = Subscription.objects.filter(
            email=subscription.email, pk=request.POST.get("subscription")
        ).first()
        form = FrequencyForm(request.POST)
        if chosen is not None and form.is_valid():
            services.set_frequency(chosen, form.cleaned_data["frequency"])
            messages.success(request, f"Saved: {chosen.get_frequency_display().lower()}.")
        return redirect(request.path)
    rows = [
        (row, targets.find(row.kind, row.key), links.signed(row, links.LEAVE))
        for row in Subscription.objects.filter(
            email=subscription.email, confirmed_at__isnull=False
        ).order_by("kind", "key")
    ]
    return render(
        request,
        "alerts/manage.html",
        {
            "email": subscription.email,
            "rows": rows,
            "frequencies": Subscription.Frequency.choices,
        },
    )


@never_cache
@csrf_exempt  # a mail client's one-click unsubscribe (RFC 8058) posts with no form; the
# signed link is the credential
def leave(request, signed):
    subscription = _subscription_or_404(signed, links.LEAVE)
    target = targets.find(subscription.kind, subscription.key)
    if request.method == "POST":
        services.leave(subscription)
        return render(request, "alerts/left.html", {"target": target, "left": subscription})
    return render(request, "alerts/leave.html", {"target": target, "subscription": subscription})


@never_cache
@csrf_exempt  # a mail client's one-click unsubscribe; the signed link is the credential
def reminders_off(request, signed):
    """Stop reminders to the address the link names: a button, then done."""
    address = links.address_for(signed)
    if address is None:
        raise Http404("This link does not work.")
    if request.method == "POST":
        ReminderOptOut.objects.get_or_create(email=address)
        return render(request, "alerts/reminders_off.html", {"email": address, "done": True})
    return render(request, "alerts/reminders_off.html", {"email": address, "done": False})
