"""Reads of notifications: a person sees only his own (anything else is 404)."""

from django.db.models import QuerySet
from django.http import Http404

from notifications.models import Delivery, Notification
from people.queries import can_read_audit, person_of


def notifications_for(user) -> QuerySet[Notification]:
    person = person_of(user)
    if person is None:
        return Notification.objects.none()
    return Notification.objects.filter(recipient=person)


def unread_count_for(user) -> int:
    return notifications_for(user).filter(read_at__isnull=True).count()


def access_notification(user, pk: int) -> Notification:
    notification = notifications_for(user).filter(pk=pk).first()
    if notification is None:
        raise Http404
    return notification


def deliveries_for(user) -> QuerySet[Delivery]:
    """The delivery log, for those who read the audit log (operations manager, HR); anyone else
    gets 404."""
    if not can_read_audit(user):
        raise Http404
    return Delivery.objects.select_related("notification__recipient", "channel")
