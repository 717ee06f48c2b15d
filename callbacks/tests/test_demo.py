"""The demo loader (`make run`): callbacks after closed orders (CB-01) with one BEH-01 fine,
the month's client callbacks (CB-02), one complaint awaiting verification (CB-04); idempotent."""

import pytest

from assessment.models import Entry
from callbacks.demo import load_demo_callbacks
from callbacks.models import Callback, Complaint
from people.demo import load_demo

pytestmark = pytest.mark.django_db


def test_cb01_cb02_cb04_demo_callbacks_load_once():
    load_demo()
    created = load_demo_callbacks()
    assert created > 3
    assert Callback.objects.filter(kind=Callback.Kind.AFTER_ORDER).count() == 3
    assert Callback.objects.filter(kind=Callback.Kind.CLIENT_MONTHLY).exists()
    assert Entry.objects.filter(rule_id="BEH-01").count() == 1
    assert Complaint.objects.get().state == Complaint.State.REGISTERED
    assert load_demo_callbacks() == 0
