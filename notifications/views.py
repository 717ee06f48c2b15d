"""The in-app inbox: a person's notifications, newest first, unread ones marked; and the
delivery log (e-mail and group robots) for the operations manager and HR."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from notifications.models import Channel, Delivery
from notifications.queries import access_notification, deliveries_for, notifications_for
from notifications.services import mark_all_read, mark_read
from people.queries import can_read_audit, person_of


@login_required
def inbox(request):
    notifications = notifications_for(request.user)
    page = Paginator(notifications, 30).get_page(request.GET.get("page"))
    unread = notifications.filter(read_at__isnull=True).count()
    return render(
        request,
        "notifications/inbox.html",
        {"page": page, "unread": unread, "can_see_deliveries": can_read_audit(request.user)},
    )


@login_required
def open_notification(request, pk: int):
    """Follow a notification's link and mark it read (reading changes nothing else)."""
    notification = mark_read(access_notification(request.user, pk), by=request.user)
    url = notification.url
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return redirect(url)
    return redirect("notifications:inbox")


@login_required
@require_POST
def read_all(request):
    person = person_of(request.user)
    if person is None:
        raise Http404
    count = mark_all_read(person, by=request.user)
    if count:
        messages.success(request, _("All notifications marked read."))
    return redirect("notifications:inbox")


@login_required
def deliveries(request):
    """Every delivery with its status, attempts and last error; filter by status and channel."""
    rows = deliveries_for(request.user)
    status = request.GET.get("status", "")
    channel = request.GET.get("channel", "")
    if status in Delivery.Status.values:
        rows = rows.filter(status=status)
    if channel == "personal":
        rows = rows.filter(channel__isnull=True)
    elif channel.isdigit():
        rows = rows.filter(channel_id=int(channel))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/deliveries.html",
        {
            "page": page,
            "status": status,
            "channel": channel,
            "statuses": Delivery.Status.choices,
            "channels": Channel.objects.all(),
        },
    )
