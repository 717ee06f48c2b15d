"""The assessment ledger: entries from facts and by hand, objections (KPI-11) and threshold
decisions (KPI-08, KPI-09, BEH-02, KPI-12), each state change on the audit trail."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction

from assessment import services
from assessment.models import Decision, Entry, Objection
from attendance.models import DayJudgement
from core.errors import DomainError
from core.models import AuditEntry
from notifications.models import Notification
from workorders.models import Breach
from workorders.tests.factories import repair_order

SH = ZoneInfo("Asia/Shanghai")
NOV = date(2026, 11, 1)
DEC = date(2026, 12, 1)
JAN = date(2027, 1, 1)
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=SH)


@pytest.fixture
def now(time_machine):
    time_machine.move_to(NOW, tick=False)
    return time_machine


def breach(org, rule_id, kind="missed", *, person=None, due_at=None, amount="0", order=None):
    due_at = due_at or datetime(2026, 11, 10, 9, 0, tzinfo=SH)
    return Breach.objects.create(
        order=order or repair_order(org),
        rule_id=rule_id,
        kind=kind,
        person=person or org.engineer_a,
        due_at=due_at,
        recorded_at=due_at,
        amount=Decimal(amount),
    )


def early_leave(person, day=date(2026, 11, 12)):
    """A judged day with one early leave: an ATT-06 fine in the month summary."""
    return DayJudgement.objects.create(
        person=person,
        date=day,
        status="early",
        workday=True,
        early_count=1,
        early_minutes=10,
        computed_at=NOW,
    )


def finding(org, rule_id, month=NOV, person=None, by=None):
    return services.add_manual_entry(
        person or org.engineer_a,
        month=month,
        rule_id=rule_id,
        by=by or org.manager_a,
        evidence_text="spot check at the install",
    )


def actions(obj):
    return list(
        AuditEntry.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )


# --- entries from facts ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sla_rule", "kind", "escalated", "amount", "expected"),
    [
        ("WO-01", "missed", False, "0", ("KPI-02", "0.5", "50")),
        ("WO-02", "missed", False, "0", ("KPI-02", "0.5", "50")),
        ("WO-08", "missed", False, "0", ("KPI-02", "0.5", "50")),
        ("WO-03", "missed", False, "0", ("KPI-01", "0.5", "50")),
        ("WO-04", "missed", False, "0", ("KPI-03", "0.5", "50")),
        ("WO-04", "missed", True, "0", None),  # KPI-03: escalated in time, no deduction
        ("WO-05", "chain_fine", False, "200", ("WO-05", "0", "200")),
        ("WO-05", "notice_late", False, "0", None),
    ],
)
def test_KPI_01_to_03_and_WO_05_entries_come_from_breaches(
    org, now, sla_rule, kind, escalated, amount, expected
):
    order = repair_order(org)
    due_at = datetime(2026, 11, 10, 9, 0, tzinfo=SH)
    if escalated:
        order.escalated_at = due_at - timedelta(hours=1)
        order.save(update_fields=["escalated_at"])
    fact = breach(org, sla_rule, kind, order=order, due_at=due_at, amount=amount)

    services.generate_entries(NOV)

    entries = list(Entry.objects.all())
    if expected is None:
        assert entries == []
        return
    [entry] = entries
    assert (entry.rule_id, entry.points, entry.fine) == (
        expected[0],
        Decimal(expected[1]),
        Decimal(expected[2]),
    )
    assert entry.person == org.engineer_a
    assert entry.month == NOV
    assert entry.state == Entry.State.PROPOSED
    assert entry.source == Entry.Source.BREACH
    assert entry.fact_key == f"breach:{fact.pk}"
    assert entry.evidence["order"] == order.pk
    assert actions(entry) == ["assessment.entry.created"]


def test_KPI_03_an_escalation_after_the_clock_ran_out_does_not_excuse(org, now):
    order = repair_order(org)
    due_at = datetime(2026, 11, 10, 9, 0, tzinfo=SH)
    order.escalated_at = due_at + timedelta(minutes=1)
    order.save(update_fields=["escalated_at"])
    breach(org, "WO-04", order=order, due_at=due_at)

    services.generate_entries(NOV)

    assert list(Entry.objects.values_list("rule_id", flat=True)) == ["KPI-03"]


def test_a_breach_of_another_month_is_not_in_this_month(org, now):
    breach(org, "WO-01", due_at=datetime(2026, 12, 1, 0, 0, tzinfo=SH))

    assert services.generate_entries(NOV) == 0
    assert services.generate_entries(DEC) == 1
    assert Entry.objects.get().month == DEC


def test_generating_twice_changes_nothing(org, now):
    breach(org, "WO-01")
    breach(org, "WO-03", person=org.vendor_engineer_a)
    early_leave(org.engineer_a)

    assert services.generate_entries(NOV) == 3
    first = list(Entry.objects.values_list("pk", "rule_id", "points", "fine", "state"))
    assert services.generate_entries(NOV) == 0
    assert services.generate_entries(NOV, person_ids=[org.engineer_a.pk]) == 0

    assert list(Entry.objects.values_list("pk", "rule_id", "points", "fine", "state")) == first
    assert AuditEntry.objects.filter(action="assessment.entry.created").count() == 3


def test_the_same_fact_never_yields_two_entries(org, now):
    fact = breach(org, "WO-01")
    services.generate_entries(NOV, person_ids=[org.engineer_a.pk])
    services.generate_entries(NOV)
    entry = Entry.objects.get()

    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.create(
            person=org.engineer_a,
            month=NOV,
            rule_id=entry.rule_id,
            source=Entry.Source.BREACH,
            fact_key=f"breach:{fact.pk}",
            created_at=NOW,
        )


def test_ATT_06_one_entry_per_fine_line_of_the_month(org, now):
    early_leave(org.engineer_a, date(2026, 11, 12))
    early_leave(org.engineer_a, date(2026, 11, 13))

    services.generate_entries(NOV)

    entry = Entry.objects.get()
    assert (entry.rule_id, entry.points, entry.fine) == ("ATT-06", Decimal("0"), Decimal("40"))
    assert entry.source == Entry.Source.ATTENDANCE
    assert entry.fact_key == f"attendance:{org.engineer_a.pk}:2026-11:early_each"
    assert entry.evidence["count"] == 2


def test_ATT_06_a_changed_fine_revises_the_proposed_entry(org, now):
    early_leave(org.engineer_a, date(2026, 11, 12))
    services.generate_entries(NOV)
    early_leave(org.engineer_a, date(2026, 11, 13))

    assert services.generate_entries(NOV) == 1

    entry = Entry.objects.get()
    assert entry.fine == Decimal("40")
    assert "assessment.entry.revised" in actions(entry)


def test_an_entry_whose_fact_is_gone_is_withdrawn(org, now):
    # An approved retroactive leave turns the early leave into a day of leave: no fine any more.
    day = early_leave(org.engineer_a)
    services.generate_entries(NOV)
    day.early_count, day.early_minutes, day.status = 0, 0, "leave"
    day.save()

    assert services.generate_entries(NOV) == 1

    entry = Entry.objects.get()
    assert entry.state == Entry.State.WITHDRAWN
    assert entry.note
    assert actions(entry) == ["assessment.entry.created", "assessment.entry.withdrawn"]
    assert services.generate_entries(NOV) == 0


def test_a_confirmed_entry_stays_when_its_fact_is_gone(org, now):
    day = early_leave(org.engineer_a)
    services.generate_entries(NOV)
    services.confirm_entry(Entry.objects.get(), by=org.manager_a)
    day.delete()

    services.generate_entries(NOV)

    assert Entry.objects.get().state == Entry.State.CONFIRMED


def test_a_withdrawn_entry_whose_fact_comes_back_is_proposed_again(org, now):
    day = early_leave(org.engineer_a)
    services.generate_entries(NOV)
    day.delete()
    services.generate_entries(NOV)
    early_leave(org.engineer_a)

    services.generate_entries(NOV)

    entry = Entry.objects.get()
    assert entry.state == Entry.State.PROPOSED
    assert "assessment.entry.restored" in actions(entry)


def test_generating_for_some_people_leaves_the_others_alone(org, now):
    early_leave(org.engineer_a)
    services.generate_entries(NOV)
    DayJudgement.objects.all().delete()

    services.generate_entries(NOV, person_ids=[org.engineer_b.pk])

    assert Entry.objects.get().state == Entry.State.PROPOSED


# --- entries by hand ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule_id", "points", "fine", "source"),
    [
        ("KPI-05", "0.5", "50", Entry.Source.MANUAL),
        ("BEH-03", "0", "100", Entry.Source.MANUAL),
        ("KPI-06", "1", "100", Entry.Source.COMPLAINT),
        ("BEH-01", "0", "50", Entry.Source.CALLBACK),
    ],
)
def test_a_finding_by_hand_cites_its_rule(org, now, rule_id, points, fine, source):
    person = org.leader_a if rule_id == "BEH-03" else org.engineer_a
    entry = finding(org, rule_id, month=date(2026, 11, 17), person=person)

    assert (entry.rule_id, entry.points, entry.fine) == (rule_id, Decimal(points), Decimal(fine))
    assert entry.month == NOV
    assert entry.source == source
    assert entry.evidence == {"text": "spot check at the install"}
    assert entry.created_by == org.manager_a.user
    assert actions(entry) == ["assessment.entry.created"]


@pytest.mark.parametrize(
    ("rule_id", "evidence", "field"),
    [
        ("", "badge missing", "rule_id"),
        ("KPI-01", "badge missing", "rule_id"),  # comes from the SLA breach, not by hand
        ("KPI-05", "", "evidence_text"),
        ("KPI-05", "   ", "evidence_text"),
    ],
)
def test_a_finding_without_rule_or_evidence_is_refused_and_nothing_stored(
    org, now, rule_id, evidence, field
):
    with pytest.raises(DomainError) as error:
        services.add_manual_entry(
            org.engineer_a, month=NOV, rule_id=rule_id, by=org.manager_a, evidence_text=evidence
        )

    assert error.value.field == field
    assert not Entry.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="assessment.").exists()


def test_an_engineer_records_no_findings(org, now):
    with pytest.raises(DomainError) as error:
        finding(org, "KPI-05", person=org.engineer_b, by=org.engineer_a)

    assert error.value.field == "by"
    assert not Entry.objects.exists()


# --- objections (KPI-11) --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("after", "allowed"),
    [
        (timedelta(days=1), True),
        (timedelta(days=7), True),
        (timedelta(days=7, seconds=1), False),
        (timedelta(days=10), False),
    ],
)
def test_KPI_11_an_objection_is_filed_within_the_window(org, now, after, allowed):
    entry = finding(org, "KPI-05")
    now.move_to(NOW + after)

    if not allowed:
        with pytest.raises(DomainError) as error:
            services.file_objection(entry, by=org.engineer_a, text="I had my badge on")
        assert error.value.field == "filed_at"
        assert not Objection.objects.exists()
        entry.refresh_from_db()
        assert entry.state == Entry.State.PROPOSED
        return
    objection = services.file_objection(entry, by=org.engineer_a.user, text="I had my badge on")
    entry.refresh_from_db()
    assert entry.state == Entry.State.OBJECTED
    assert objection.filed_by == org.engineer_a.user
    assert actions(objection) == ["assessment.objection.filed"]
    assert actions(entry)[-1] == "assessment.entry.objected"


@pytest.mark.parametrize("who", ["engineer_b", "manager_a"])
def test_KPI_11_only_the_assessed_person_objects(org, now, who):
    entry = finding(org, "KPI-05")

    with pytest.raises(DomainError) as error:
        services.file_objection(entry, by=getattr(org, who), text="not me")

    assert error.value.field == "by"
    assert not Objection.objects.exists()


def test_KPI_11_an_objection_needs_text(org, now):
    entry = finding(org, "KPI-05")

    with pytest.raises(DomainError) as error:
        services.file_objection(entry, by=org.engineer_a, text=" ")

    assert error.value.field == "text"


def test_KPI_11_a_confirmed_entry_can_be_objected_to(org, now):
    entry = services.confirm_entry(finding(org, "KPI-05"), by=org.hr)

    services.file_objection(entry, by=org.engineer_a, text="the badge was in my pocket")

    entry.refresh_from_db()
    assert entry.state == Entry.State.OBJECTED


@pytest.mark.parametrize(
    ("upheld", "entry_state", "outcome"),
    [(True, Entry.State.UPHELD, "upheld"), (False, Entry.State.WITHDRAWN, "withdrawn")],
)
def test_KPI_11_the_assessment_group_decides_with_a_reason(org, now, upheld, entry_state, outcome):
    entry = finding(org, "KPI-05")
    objection = services.file_objection(entry, by=org.engineer_a, text="I had my badge on")

    services.decide_objection(objection, by=org.ops, upheld=upheld, reason="photo of the visit")

    objection.refresh_from_db()
    entry.refresh_from_db()
    assert objection.decision == outcome
    assert objection.reason == "photo of the visit"
    assert objection.decided_by == org.ops.user
    assert entry.state == entry_state
    assert actions(objection)[-1] == "assessment.objection.decided"
    told = Notification.objects.get(event=f"assessment.objection.{outcome}")
    assert told.recipient == org.engineer_a and "photo of the visit" in told.body
    assert actions(entry)[-1] == f"assessment.entry.{entry_state}"


def test_KPI_11_a_decision_needs_a_reason_and_is_taken_once(org, now):
    objection = services.file_objection(finding(org, "KPI-05"), by=org.engineer_a, text="no")

    with pytest.raises(DomainError) as error:
        services.decide_objection(objection, by=org.ops, upheld=True, reason="")
    assert error.value.field == "reason"

    services.decide_objection(objection, by=org.ops, upheld=True, reason="photo")
    with pytest.raises(DomainError):
        services.decide_objection(objection, by=org.ops, upheld=False, reason="changed my mind")


def test_KPI_11_an_engineer_does_not_decide_objections(org, now):
    objection = services.file_objection(finding(org, "KPI-05"), by=org.engineer_a, text="no")

    with pytest.raises(DomainError) as error:
        services.decide_objection(objection, by=org.engineer_b, upheld=False, reason="mate")

    assert error.value.field == "by"


# --- thresholds -----------------------------------------------------------------------------------


def decisions():
    return sorted(Decision.objects.values_list("rule_id", "month", "kind", "state"))


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        (["KPI-05", "KPI-05", "KPI-06"], [("KPI-08", NOV, "separation", "proposed")]),  # 0.5+0.5+1
        (["KPI-05", "KPI-06"], []),  # 1.5
        (["KPI-06", "KPI-06"], [("KPI-08", NOV, "separation", "proposed")]),
    ],
)
def test_KPI_08_two_points_in_a_month_propose_separation(org, now, rules, expected):
    entries = [finding(org, rule) for rule in rules]

    services.evaluate_thresholds(NOV)

    assert decisions() == expected
    if expected:
        decision = Decision.objects.get()
        assert decision.person == org.engineer_a
        assert set(decision.entries.all()) == set(entries)
        assert actions(decision) == ["assessment.decision.proposed"]
        told = Notification.objects.filter(event="assessment.decision.proposed")
        assert set(told.values_list("recipient", flat=True)) == {org.hr.pk, org.ops.pk}


def test_KPI_08_a_withdrawn_entry_does_not_count(org, now):
    finding(org, "KPI-06")
    half = finding(org, "KPI-05")
    finding(org, "KPI-05")
    objection = services.file_objection(half, by=org.engineer_a, text="badge was on")
    services.decide_objection(objection, by=org.ops, upheld=False, reason="photo shows the badge")

    services.evaluate_thresholds(NOV)

    assert decisions() == []


def test_KPI_09_three_points_across_nov_dec_jan_propose_separation(org, now):
    for month in (NOV, DEC, JAN):
        finding(org, "KPI-06", month=month)

    services.evaluate_thresholds(DEC)
    assert decisions() == []
    services.evaluate_thresholds(JAN)

    assert decisions() == [("KPI-09", JAN, "separation", "proposed")]
    decision = Decision.objects.get()
    assert decision.entries.count() == 3
    assert decision.basis == "1.00 + 1.00 + 1.00 = 3.00"


def test_KPI_09_a_month_outside_the_window_does_not_count(org, now):
    for month in (date(2026, 10, 1), DEC, JAN):
        finding(org, "KPI-06", month=month)

    services.evaluate_thresholds(JAN)

    assert decisions() == []


@pytest.mark.parametrize(("violations", "dismissal"), [(3, False), (4, True)])
def test_BEH_02_more_than_three_violations_propose_dismissal(org, now, violations, dismissal):
    for _ in range(violations):
        finding(org, "BEH-01")

    services.evaluate_thresholds(NOV)

    assert decisions() == ([("BEH-02", NOV, "dismissal", "proposed")] if dismissal else [])


@pytest.mark.parametrize(
    ("who", "breaches", "replacement"),
    [("vendor_engineer_a", 4, True), ("vendor_engineer_a", 3, False), ("engineer_a", 4, False)],
)
def test_KPI_12_a_vendor_engineer_breaking_rules_more_than_three_times(
    org, now, who, breaches, replacement
):
    person = getattr(org, who)
    for _ in range(breaches):
        breach(org, "WO-01", person=person)
    early_leave(person)  # attendance fines are not client rules
    services.generate_entries(NOV)

    services.evaluate_thresholds(NOV)

    found = Decision.objects.filter(rule_id="KPI-12")
    assert found.exists() == replacement
    if replacement:
        assert found.get().kind == Decision.Kind.VENDOR_REPLACEMENT
        assert found.get().entries.count() == 4


def test_evaluating_twice_proposes_once(org, now):
    for rule in ("KPI-06", "KPI-06"):
        finding(org, rule)

    assert services.evaluate_thresholds(NOV) == 1
    finding(org, "KPI-05")
    assert services.evaluate_thresholds(NOV) == 0

    decision = Decision.objects.get()
    assert decision.entries.count() == 3


@pytest.fixture
def separation(org, now):
    org.engineer_a.manager = org.manager_a
    org.engineer_a.save()
    for rule in ("KPI-06", "KPI-06"):
        finding(org, rule)
    services.evaluate_thresholds(NOV)
    return Decision.objects.get()


@pytest.mark.parametrize("who", ["engineer_a", "manager_a", "leader_a"])
def test_decisions_need_HR_or_ops_to_confirm(org, separation, who):
    with pytest.raises(DomainError) as error:
        services.confirm_decision(separation, by=getattr(org, who))

    assert error.value.field == "by"
    separation.refresh_from_db()
    assert separation.state == Decision.State.PROPOSED
    assert not Notification.objects.exclude(event="assessment.decision.proposed").exists()


@pytest.mark.parametrize("who", ["hr", "ops"])
def test_a_confirmed_decision_notifies_the_person_and_his_manager(org, separation, who):
    services.confirm_decision(separation, by=getattr(org, who).user)

    separation.refresh_from_db()
    assert separation.state == Decision.State.CONFIRMED
    assert separation.confirmed_by == getattr(org, who).user
    assert actions(separation)[-1] == "assessment.decision.confirmed"
    told = Notification.objects.filter(event="assessment.decision.separation")
    assert set(told.values_list("recipient", flat=True)) == {org.engineer_a.pk, org.manager_a.pk}
    with pytest.raises(DomainError):
        services.confirm_decision(separation, by=org.hr)


def test_KPI_12_the_vendor_contact_hears_of_the_replacement_request(org, now):
    for _ in range(4):
        breach(org, "WO-01", person=org.vendor_engineer_a)
    services.generate_entries(NOV)
    services.evaluate_thresholds(NOV)

    services.confirm_decision(Decision.objects.get(rule_id="KPI-12"), by=org.ops)

    assert org.vendor_contact.pk in set(Notification.objects.values_list("recipient", flat=True))


def test_a_rejected_decision_gives_a_reason_and_is_not_proposed_again(org, separation):
    with pytest.raises(DomainError) as error:
        services.reject_decision(separation, by=org.hr, note="")
    assert error.value.field == "note"

    services.reject_decision(separation, by=org.hr, note="objection pending")
    services.evaluate_thresholds(NOV)

    assert decisions() == [("KPI-08", NOV, "separation", "rejected")]
    assert actions(separation)[-1] == "assessment.decision.rejected"


def test_generating_leaves_findings_by_hand_alone(org, now):
    entries = [finding(org, rule) for rule in ("KPI-05", "KPI-06", "BEH-01")]
    entries.append(finding(org, "BEH-03", person=org.leader_a))

    assert services.generate_entries(NOV) == 0

    assert {e.state for e in Entry.objects.filter(pk__in=[e.pk for e in entries])} == {
        Entry.State.PROPOSED
    }


def test_a_proposed_decision_is_dropped_when_its_entries_no_longer_cross(org, now):
    finding(org, "KPI-06")
    contested = finding(org, "KPI-06")
    services.evaluate_thresholds(NOV)
    objection = services.file_objection(contested, by=org.engineer_a, text="not my fault")
    services.decide_objection(objection, by=org.ops, upheld=False, reason="customer withdrew")

    assert services.evaluate_thresholds(NOV) == 0
    assert decisions() == [("KPI-08", NOV, "separation", "rejected")]
    decision = Decision.objects.get()
    assert actions(decision) == ["assessment.decision.proposed", "assessment.decision.dropped"]

    finding(org, "KPI-06")
    assert services.evaluate_thresholds(NOV) == 1
    assert decisions() == [("KPI-08", NOV, "separation", "proposed")]


def test_a_confirmed_decision_stays_when_an_entry_is_withdrawn_later(org, separation):
    services.confirm_decision(separation, by=org.hr)
    Entry.objects.update(state=Entry.State.WITHDRAWN)

    services.evaluate_thresholds(NOV)

    separation.refresh_from_db()
    assert separation.state == Decision.State.CONFIRMED


def test_KPI_11_an_objection_to_an_entry_whose_fact_is_gone_needs_no_decision(org, now):
    day = early_leave(org.engineer_a)
    services.generate_entries(NOV)
    objection = services.file_objection(Entry.objects.get(), by=org.engineer_a, text="I was ill")
    day.delete()  # the sick leave was approved afterwards
    services.generate_entries(NOV)

    with pytest.raises(DomainError) as error:
        services.decide_objection(objection, by=org.ops, upheld=True, reason="late anyway")

    assert error.value.field == "state"
    assert Entry.objects.get().state == Entry.State.WITHDRAWN


def test_a_station_manager_assesses_only_his_station(org, now):
    with pytest.raises(DomainError) as error:
        finding(org, "KPI-05", person=org.engineer_b, by=org.manager_a)

    assert error.value.field == "person"
    assert not Entry.objects.exists()
    entry = finding(org, "KPI-05", person=org.engineer_b, by=org.ops)
    with pytest.raises(DomainError):
        services.confirm_entry(entry, by=org.manager_a)
