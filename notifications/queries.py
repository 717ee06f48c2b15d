"""Reads of notifications: a person sees only his own (anything else is 404)."""

from django.db.models import QuerySet
from django.http import Http404

from notifications.models import Notification
from people.queries import person_of


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
