"""The daily event record (运维事件记录单, WO-12): one engineer's events of one day with its hand-in
button, and the group leader's view of who handed in which day."""

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import clock
from core.errors import DomainError
from people.queries import person_of
from people.roles import Role
from workorders import rules
from workorders.labels import EVENT_LABELS, HAND_IN_LABELS, event_detail
from workorders.models import DailyRecord
from workorders.queries import daily_events, engineers_for
from workorders.services import hand_in_daily, hand_in_states
from workorders.services.daily import deadline_of


def _day(day: str) -> date:
    try:
        return date.fromisoformat(day)
    except ValueError:
        raise Http404 from None


@login_required
def daily_today(request):
    return redirect("workorders:daily", day=clock.today().isoformat())


@login_required
def daily_record(request, day: str):
    """运维事件记录单: one engineer's events of one day (his own, or one a manager may see), and
    whether it was handed in (WO-12); his own has the hand-in button."""
    on = _day(day)
    me = person_of(request.user)
    people = engineers_for(request.user)
    wanted = request.GET.get("person", "")
    if wanted.isdigit():
        person = people.filter(pk=int(wanted)).first()
        if person is None and me is not None and me.pk == int(wanted):
            person = me
        if person is None:
            raise Http404
    elif me is not None:
        person = me
    else:
        person = people.first()
        if person is None:
            raise Http404
    events = daily_events(person, on)
    for event in events:
        event.label = EVENT_LABELS.get(event.kind, event.kind)
        event.detail = event_detail(event)
    choices = list(people[:500]) if me is None or me.role != Role.ENGINEER else []
    record = DailyRecord.objects.filter(person=person, day=on).first()
    now = clock.now()
    deadline = deadline_of(person, on)
    state = rules.hand_in_state(
        handed_in_at=record.handed_in_at if record else None, deadline=deadline, now=now
    )
    return render(
        request,
        "workorders/daily.html",
        {
            "person": person,
            "day": on,
            "previous": on - timedelta(days=1),
            "following": on + timedelta(days=1),
            "events": events,
            "people": choices,
            "orders_count": len({e.order_id for e in events}),
            "record": record,
            "deadline": deadline,
            "hand_in_state": state,
            "hand_in_label": HAND_IN_LABELS[state],
            "can_hand_in": me is not None
            and me.pk == person.pk
            and on <= clock.today()
            and not (record and record.handed_in_at),
            "sees_team": me is None or me.role != Role.ENGINEER,
        },
    )


@login_required
@require_POST
def daily_hand_in(request, day: str):
    """The hand-in button (WO-12); pressing it twice changes nothing."""
    on = _day(day)
    me = person_of(request.user)
    if me is None:
        raise Http404
    try:
        record = hand_in_daily(me, on, by=me)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Daily record of {day} handed in at {time}.").format(
                day=on.isoformat(), time=timezone.localtime(record.handed_in_at).strftime("%H:%M")
            ),
        )
    return redirect(reverse("workorders:daily", args=[on.isoformat()]))


@login_required
def daily_hand_ins(request, day: str):
    """WO-12 for the group leader (and managers): each engineer he sees, his events of the day
    and whether the record was handed in, late, is still open or missing."""
    on = _day(day)
    me = person_of(request.user)
    if me is not None and me.role == Role.ENGINEER:
        raise Http404
    people = list(engineers_for(request.user)[:500])
    rows = hand_in_states(people, on, now=clock.now())
    for row in rows:
        row["label"] = HAND_IN_LABELS[row["state"]]
    return render(
        request,
        "workorders/daily_hand_ins.html",
        {
            "day": on,
            "previous": on - timedelta(days=1),
            "following": on + timedelta(days=1),
            "rows": rows,
        },
    )
