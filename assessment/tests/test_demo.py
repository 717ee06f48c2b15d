"""The demo loader (`make run`): findings by hand (KPI-05, BEH-03), one objection (KPI-11) and a
KPI-08 separation decision waiting for confirmation; idempotent."""

import pytest

from assessment.demo import load_demo_assessment
from assessment.models import Decision, Entry, Objection
from people.demo import load_demo

pytestmark = pytest.mark.django_db


def test_KPI_05_KPI_08_KPI_11_demo_assessment_loads_once():
    load_demo()

    assert load_demo_assessment() == 6

    assert Entry.objects.filter(rule_id="BEH-03").count() == 1
    assert Objection.objects.filter(decision="").count() == 1
    assert "KPI-08" in set(Decision.objects.values_list("rule_id", flat=True))
    assert load_demo_assessment() == 0
    assert Entry.objects.count() == 6
