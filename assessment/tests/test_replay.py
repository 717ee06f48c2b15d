"""What-if replay (issue 5 item 7): a past month recomputed under another policy, next to the
ledger and the current policy, without writing anything. Rules recomputed: KPI-01..03, KPI-05,
KPI-06, KPI-07, KPI-08, KPI-09, KPI-12, BEH-01, BEH-02, BEH-03, ATT-04..06, WO-05."""

import re
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessment import services
from assessment.models import Decision
from assessment.replay import load_policy_file, parse_policy, replay
from attendance.models import DayJudgement
from core.errors import ValidationErrors
from core.models import PolicyVersion
from workorders.models import Breach
from workorders.tests.factories import repair_order

SH = ZoneInfo("Asia/Shanghai")
NOV = date(2026, 11, 1)
DEC = date(2026, 12, 1)
JAN = date(2027, 1, 1)
NOW = datetime(2027, 2, 10, 10, 0, tzinfo=SH)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def now(time_machine):
    time_machine.move_to(NOW, tick=False)
    return time_machine


def breach(org, rule_id, kind="missed", *, person=None, month=NOV, amount="0", order=None):
    due_at = datetime(month.year, month.month, 10, 9, 0, tzinfo=SH)
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


def finding(org, rule_id, *, month=NOV, person=None):
    return services.add_manual_entry(
        person or org.engineer_a,
        month=month,
        rule_id=rule_id,
        by=org.ops,
        evidence_text="spot check",
    )


def assess(*months):
    for month in months:
        services.generate_entries(month)
        services.evaluate_thresholds(month)


def person_of(report, person):
    return next(p for p in report.people if p.person_id == person.pk)


def figures(report, person, rule_id, variant):
    f = person_of(report, person).rules[rule_id][variant]
    return f.points, f.fine, f.count


def crossed(report, person, variant):
    return sorted((c.month, c.rule_id) for c in person_of(report, person).thresholds[variant])


# --- the same as the ledger ----------------------------------------------------------------------

EVENTS = st.lists(
    st.tuples(
        st.sampled_from(["engineer_a", "vendor_engineer_a"]),
        st.sampled_from([NOV, DEC, JAN]),
        st.sampled_from(
            ["WO-01", "WO-03", "WO-04", "chain", "early", "BEH-01", "KPI-05", "KPI-06", "BEH-03"]
        ),
    ),
    max_size=12,
)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(events=EVENTS)
@pytest.mark.django_db
def test_replay_of_an_unchanged_policy_equals_the_ledger(org, now, events):
    """KPI-01..03, KPI-05..09, KPI-12, BEH-01..03, ATT-06, WO-05: after generate_entries and
    evaluate_thresholds, the replay under the current policy has the ledger's figures per
    person and rule and crosses the thresholds the ledger's decisions record."""
    with transaction.atomic():
        day = 1
        for who, month, what in events:
            person = getattr(org, who)
            if what == "chain":
                breach(org, "WO-05", "chain_fine", person=person, month=month, amount="200")
            elif what == "early":
                day += 1
                early_leave(person, month.replace(day=day))
            elif what.startswith("WO-"):
                breach(org, what, person=person, month=month)
            elif what == "BEH-03":  # group leaders and above keep their phone on
                finding(org, what, month=month, person=org.leader_a)
            else:
                finding(org, what, month=month, person=person)
        assess(NOV, DEC, JAN)

        report = replay(NOV, JAN)

        for result in report.people:
            assert not result.differs, result.as_dict()
        decided = sorted(
            (d.person_id, d.month, d.rule_id)
            for d in Decision.objects.exclude(state=Decision.State.REJECTED)
        )
        replayed = sorted(
            (p.person_id, c.month, c.rule_id) for p in report.people for c in p.thresholds["replay"]
        )
        assert replayed == decided
        transaction.set_rollback(True)


def snapshot():
    """Row count of every table."""
    state = {}
    with connection.cursor() as cursor:
        for name in connection.introspection.table_names(cursor):
            table = connection.ops.quote_name(name)
            cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608
            state[name] = cursor.fetchone()
    return state


def test_a_replay_writes_nothing(org, now):
    """KPI-07, KPI-08, BEH-01: a replay with changed numbers reads, never writes."""
    breach(org, "WO-01")
    finding(org, "BEH-01")
    early_leave(org.engineer_a)
    assess(NOV)
    before = snapshot()
    policy = parse_policy(
        {
            "params": {"kpi.fine_per_point": "150", "att.early_leave_fine": "30"},
            "disabled_rules": ["BEH-01"],
        }
    )

    with CaptureQueriesContext(connection) as queries:
        report = replay(NOV, policy=policy)

    assert report.people
    # PostgreSQL reads large results through a server-side cursor: DECLARE … CURSOR FOR SELECT.
    reads = re.compile(r"\s*(DECLARE\s+\S+\s+.*?CURSOR\s+.*?FOR\s+)?(SELECT|SAVEPOINT|RELEASE)\b")
    written = [q["sql"] for q in queries.captured_queries if not reads.match(q["sql"].upper())]
    assert written == []
    assert snapshot() == before


# --- changed numbers and disabled rules ---------------------------------------------------------


def test_KPI_07_a_changed_fine_per_point_changes_fines_not_points(org, now):
    breach(org, "WO-01")  # KPI-02: 0.5 point
    breach(org, "WO-03")  # KPI-01: 0.5 point
    assess(NOV)

    report = replay(NOV, policy=parse_policy({"params": {"kpi.fine_per_point": "120"}}))

    assert figures(report, org.engineer_a, "KPI-02", "ledger") == (Decimal("0.5"), Decimal("50"), 1)
    assert figures(report, org.engineer_a, "KPI-02", "current") == (
        Decimal("0.5"),
        Decimal("50"),
        1,
    )
    assert figures(report, org.engineer_a, "KPI-02", "replay") == (Decimal("0.5"), Decimal("60"), 1)
    totals = report.totals()
    assert (totals["ledger"].fine, totals["replay"].fine) == (Decimal("100"), Decimal("120"))
    assert report.as_dict()["totals"]["replay"] == {"points": "1", "fine": "120.00", "count": 2}


def test_KPI_07_disabled_points_cost_nothing(org, now):
    breach(org, "WO-01")
    assess(NOV)

    report = replay(NOV, policy=parse_policy({"disabled_rules": ["KPI-07"]}))

    assert figures(report, org.engineer_a, "KPI-02", "replay") == (Decimal("0.5"), Decimal("0"), 1)


def test_KPI_08_more_points_per_breach_shows_who_would_cross(org, now):
    breach(org, "WO-01")
    breach(org, "WO-02")  # 2 × 0.5 = 1 point: no separation today
    assess(NOV)

    report = replay(NOV, policy=parse_policy({"params": {"kpi.contact_late_points": "1"}}))

    assert crossed(report, org.engineer_a, "ledger") == []
    assert crossed(report, org.engineer_a, "replay") == [(NOV, "KPI-08")]
    changes = report.threshold_changes("current")
    assert [(c["staff_no"], c["rule"], c["month"]) for c in changes["crossing"]] == [
        (org.engineer_a.staff_no, "KPI-08", "2026-11")
    ]
    assert changes["no_longer"] == []
    assert report.threshold_counts()["KPI-08"] == {"ledger": 0, "current": 0, "replay": 1}


def test_KPI_08_a_lower_threshold_crosses_without_other_numbers(org, now):
    finding(org, "KPI-06")  # 1 point
    assess(NOV)

    report = replay(NOV, policy=parse_policy({"params": {"kpi.month_separation_points": "1"}}))

    assert crossed(report, org.engineer_a, "current") == []
    assert crossed(report, org.engineer_a, "replay") == [(NOV, "KPI-08")]


def test_KPI_09_the_window_reaches_back_before_the_range_across_the_year_end(org, now):
    for month in (NOV, DEC, JAN):
        breach(org, "WO-01", month=month)  # 0.5 a month
    assess(NOV, DEC, JAN)

    report = replay(JAN, policy=parse_policy({"params": {"kpi.contact_late_points": "1"}}))

    # 1 + 1 + 1 over Nov, Dec, Jan under the replayed points; the ledger has 1.5.
    assert crossed(report, org.engineer_a, "current") == []
    assert crossed(report, org.engineer_a, "replay") == [(JAN, "KPI-09")]
    assert report.months == [JAN]


def test_BEH_01_disabled_drops_the_fines_and_the_BEH_02_dismissal(org, now):
    for _ in range(4):
        finding(org, "BEH-01")
    assess(NOV)

    report = replay(NOV, policy=parse_policy({"disabled_rules": ["BEH-01"]}))

    assert figures(report, org.engineer_a, "BEH-01", "ledger") == (Decimal("0"), Decimal("200"), 4)
    assert figures(report, org.engineer_a, "BEH-01", "replay") == (Decimal("0"), Decimal("0"), 0)
    assert crossed(report, org.engineer_a, "ledger") == [(NOV, "BEH-02")]
    assert crossed(report, org.engineer_a, "replay") == []
    assert report.threshold_changes("ledger")["no_longer"][0]["rule"] == "BEH-02"


def test_BEH_02_a_disabled_threshold_rule_decides_nothing(org, now):
    for _ in range(4):
        finding(org, "BEH-01")
    assess(NOV)

    report = replay(NOV, policy=parse_policy({"disabled_rules": ["BEH-02"]}))

    assert figures(report, org.engineer_a, "BEH-01", "replay") == (Decimal("0"), Decimal("200"), 4)
    assert crossed(report, org.engineer_a, "replay") == []


def test_BEH_03_and_BEH_01_findings_by_hand_follow_the_replayed_fines(org, now):
    finding(org, "BEH-03", person=org.leader_a)
    finding(org, "BEH-01", person=org.leader_a)
    assess(NOV)

    report = replay(
        NOV,
        policy=parse_policy({"params": {"beh.phone_off_fine": "80", "beh.violation_fine": "60"}}),
    )

    assert figures(report, org.leader_a, "BEH-03", "replay")[1] == Decimal("80")
    assert figures(report, org.leader_a, "BEH-01", "replay")[1] == Decimal("60")


def test_KPI_12_a_vendor_engineer_over_the_limit_only_under_a_lower_one(org, now):
    for rule in ("WO-01", "WO-03", "WO-04"):
        breach(org, rule, person=org.vendor_engineer_a)
    assess(NOV)

    report = replay(NOV, policy=parse_policy({"params": {"kpi.vendor_replacement_breaches": "2"}}))

    assert crossed(report, org.vendor_engineer_a, "current") == []
    assert crossed(report, org.vendor_engineer_a, "replay") == [(NOV, "KPI-12")]


def test_ATT_06_a_changed_early_leave_fine_recomputes_the_attendance_facts(org, now):
    early_leave(org.engineer_a)
    early_leave(org.engineer_a, date(2026, 11, 13))
    assess(NOV)

    report = replay(NOV, policy=parse_policy({"params": {"att.early_leave_fine": "35"}}))

    assert figures(report, org.engineer_a, "ATT-06", "ledger") == (Decimal("0"), Decimal("40"), 1)
    assert figures(report, org.engineer_a, "ATT-06", "replay") == (Decimal("0"), Decimal("70"), 1)


def test_WO_05_a_disabled_chain_fine_is_left_out(org, now):
    breach(org, "WO-05", "chain_fine", amount="200")
    assess(NOV)

    report = replay(NOV, policy=parse_policy({"disabled_rules": ["WO-05"]}))

    assert figures(report, org.engineer_a, "WO-05", "current") == (Decimal("0"), Decimal("200"), 1)
    assert figures(report, org.engineer_a, "WO-05", "replay") == (Decimal("0"), Decimal("0"), 0)


def test_KPI_11_an_entry_withdrawn_on_objection_stays_out_of_the_replay(org, now):
    entry = finding(org, "KPI-05")
    objection = services.file_objection(entry, by=org.engineer_a, text="badge was on")
    services.decide_objection(objection, by=org.ops, upheld=False, reason="photo shows it")
    breach(org, "WO-01")
    assess(NOV)

    report = replay(NOV)

    assert "KPI-05" not in person_of(report, org.engineer_a).rules
    assert figures(report, org.engineer_a, "KPI-02", "replay") == (Decimal("0.5"), Decimal("50"), 1)


def test_a_company_variant_of_the_policy_is_replayed_per_company(org, now):
    """KPI-07 in a client's variant: the replay starts from each company's own policy."""
    PolicyVersion.objects.create(
        company=org.client,
        effective_from=date(2026, 1, 1),
        values={"kpi.fine_per_point": "200"},
        created_at=NOW,
    )
    breach(org, "WO-01")  # engineer_a serves the client
    breach(org, "WO-01", person=org.engineer_b)
    assess(NOV)

    report = replay(NOV, policy=parse_policy({"params": {"kpi.contact_late_points": "1"}}))

    assert figures(report, org.engineer_a, "KPI-02", "replay")[:2] == (Decimal("1"), Decimal("200"))
    assert figures(report, org.engineer_b, "KPI-02", "replay")[:2] == (Decimal("1"), Decimal("100"))


def test_people_are_taken_in_chunks_with_the_same_result(org, now):
    breach(org, "WO-01")
    breach(org, "WO-01", person=org.vendor_engineer_a)
    early_leave(org.engineer_b)
    assess(NOV)
    done = []

    whole = replay(NOV).as_dict()
    chunked = replay(NOV, chunk_size=1, on_progress=lambda d, t: done.append((d, t))).as_dict()

    assert whole == chunked
    assert done[-1][0] == done[-1][1] and len(done) == done[-1][1]


def test_only_the_given_people_are_replayed(org, now):
    breach(org, "WO-01")
    breach(org, "WO-01", person=org.engineer_b)
    assess(NOV)

    report = replay(NOV, person_ids=[org.engineer_a.pk])

    assert [p.person_id for p in report.people] == [org.engineer_a.pk]


# --- the policy file -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "key", "words"),
    [
        ({"params": {"kpi.no_such": "1"}}, "kpi.no_such", "Unknown policy parameter"),
        ({"params": {"beh.violation_fine": "-50"}}, "beh.violation_fine", "between 0"),
        ({"params": {"kpi.contact_late_points": "5"}}, "kpi.contact_late_points", "between 0"),
        ({"params": {"kpi.fine_per_point": "abc"}}, "kpi.fine_per_point", "number"),
        ({"params": {"att.work_start": "09:00"}}, "att.work_start", "past month"),
        ({"params": {"wo.chain_fine": "100"}}, "wo.chain_fine", "past month"),
        ({"disabled_rules": ["KPI-99"]}, "disabled_rules.KPI-99", "Unknown rule ID"),
        ({"disabled_rules": ["ATT-01"]}, "disabled_rules.ATT-01", "no points"),
        ({"disabled_rules": "BEH-01"}, "disabled_rules", "list"),
        ({"rules": []}, "rules", "Unknown key"),
    ],
)
def test_a_bad_policy_names_the_key_and_the_reason_BEH_01_KPI_07(db, data, key, words):
    with pytest.raises(ValidationErrors) as error:
        parse_policy(data)

    assert key in error.value.errors
    assert words in error.value.errors[key]


def test_a_policy_file_in_json_and_in_toml_BEH_01_KPI_07(db):
    from_json = load_policy_file(
        b'{"params": {"kpi.fine_per_point": "120"}, "disabled_rules": ["beh-01"]}', "p.json"
    )
    from_toml = load_policy_file(
        'disabled_rules = ["BEH-01"]\n[params]\n"kpi.fine_per_point" = "120"\n', "p.toml"
    )

    assert from_json == from_toml
    assert from_json.params == {"kpi.fine_per_point": "120"}
    assert from_json.disabled_rules == {"BEH-01"}


def test_a_policy_file_that_is_not_json_is_refused(db):
    with pytest.raises(ValidationErrors) as error:
        load_policy_file(b"{params", "p.json")

    assert "file" in error.value.errors


def test_the_replayable_numbers_and_rules_are_known_KPI_07_BEH_01():
    from assessment.replay_policy import DISABLEABLE_RULES, REPLAY_PARAMS, RULE_TITLES
    from core.policy_params import BY_KEY

    assert all(key in BY_KEY for key in REPLAY_PARAMS)
    assert set(RULE_TITLES) == set(DISABLEABLE_RULES)


def test_a_number_of_the_quarterly_score_is_not_replayed_KPI_10(db):
    with pytest.raises(ValidationErrors) as error:
        parse_policy({"params": {"kpi.score_weight_faults": "40"}})

    assert "past month" in error.value.errors["kpi.score_weight_faults"]


def test_a_source_runs_again_only_when_it_read_an_overridden_number_KPI_07_ATT_06(
    org, now, monkeypatch
):
    """The fact sources record the parameters they read: a KPI-07 change re-runs the breach
    facts, not the attendance facts (which never read it)."""
    from assessment.services import entries

    early_leave(org.engineer_a)
    breach(org, "WO-01")
    assess(NOV)
    calls = []

    def counted(source):
        def run(month, ids, book):
            calls.append(source.__name__)
            return source(month, ids, book)

        run.__name__ = source.__name__
        return run

    sources = tuple(counted(s) for s in entries.FACT_SOURCES)
    attendance = next(s for s in sources if s.__name__ == "attendance_facts")
    monkeypatch.setattr(entries, "FACT_SOURCES", sources)
    monkeypatch.setattr(entries, "attendance_facts", attendance)

    report = replay(NOV, policy=parse_policy({"params": {"kpi.fine_per_point": "200"}}))

    assert calls.count("attendance_facts") == 1
    assert calls.count("breach_facts") > calls.count("attendance_facts")
    assert figures(report, org.engineer_a, "KPI-02", "replay")[1] == Decimal("100")
    assert figures(report, org.engineer_a, "ATT-06", "replay")[1] == Decimal("20")


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    events=EVENTS,
    disabled=st.sets(
        st.sampled_from(
            [
                "KPI-01",
                "KPI-02",
                "KPI-03",
                "KPI-05",
                "KPI-07",
                "WO-05",
                "ATT-06",
                "BEH-01",
                "BEH-03",
            ]
        )
    ),
)
@pytest.mark.django_db
def test_leaving_rules_out_never_raises_a_fine_KPI_07_BEH_01_ATT_06(org, now, events, disabled):
    """Leaving out KPI-01..07, WO-05, ATT-06, BEH-01 or BEH-03 never raises anyone's fines, and
    a rule left out has no figures in the replay."""
    with transaction.atomic():
        day = 1
        for who, month, what in events:
            person = getattr(org, who)
            if what == "chain":
                breach(org, "WO-05", "chain_fine", person=person, month=month, amount="200")
            elif what == "early":
                day += 1
                early_leave(person, month.replace(day=day))
            elif what.startswith("WO-"):
                breach(org, what, person=person, month=month)
            elif what == "BEH-03":
                finding(org, what, month=month, person=org.leader_a)
            else:
                finding(org, what, month=month, person=person)

        report = replay(NOV, JAN, policy=parse_policy({"disabled_rules": sorted(disabled)}))

        for person in report.people:
            assert person.total("replay").fine <= person.total("current").fine
            for rule in disabled - {"KPI-07"}:
                assert rule not in person.rules or person.rules[rule]["replay"].count == 0
        transaction.set_rollback(True)
