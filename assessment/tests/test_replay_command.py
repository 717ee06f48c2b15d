"""`crewdesk assess`: the month's assessment under the current policy, and the what-if replay
under a policy file (issue 5 item 7). Rules in the output: KPI-02, KPI-07, KPI-08, BEH-01, BEH-02."""

import json
import os
import subprocess
from datetime import date, datetime
from decimal import Decimal
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from assessment import services
from assessment.models import Entry
from workorders.models import Breach
from workorders.tests.factories import repair_order

SH = ZoneInfo("Asia/Shanghai")
OCT = date(2026, 10, 1)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def october(org, time_machine):
    """engineer_a: two KPI-02 breaches (1 point, 100 CNY) and four BEH-01 findings (200 CNY,
    BEH-02 dismissal) in October 2026, generated into the ledger."""
    time_machine.move_to(datetime(2026, 11, 5, 10, 0, tzinfo=SH), tick=False)
    for rule in ("WO-01", "WO-02"):
        due = datetime(2026, 10, 10, 9, 0, tzinfo=SH)
        Breach.objects.create(
            order=repair_order(org),
            rule_id=rule,
            kind="missed",
            person=org.engineer_a,
            due_at=due,
            recorded_at=due,
        )
    for _ in range(4):
        services.add_manual_entry(
            org.engineer_a,
            month=OCT,
            rule_id="BEH-01",
            by=org.ops,
            evidence_text="callback",
        )
    services.generate_entries(OCT)
    return org


def assess(*args) -> str:
    out = StringIO()
    call_command("assess", *args, "--language", "en", stdout=out)
    return out.getvalue()


def policy_file(tmp_path, data, name="policy.json") -> str:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(path)


def test_the_default_output_is_the_month_under_the_current_policy_KPI_02_BEH_02(october):
    out = assess("--month", "2026-10")

    assert "Assessment 2026-10" in out
    line = next(x for x in out.splitlines() if october.engineer_a.staff_no in x)
    assert october.engineer_a.name in line
    assert "300.00" in line  # 100 (KPI-02, KPI-07) + 200 (BEH-01)
    assert "KPI-02 100.00 (−1)" in line and "BEH-01 200.00" in line
    assert "BEH-02 2026-10" in line


def test_the_table_speaks_chinese_by_default_KPI_02(october):
    out = StringIO()
    call_command("assess", "--month", "2026-10", "--language", "zh-hans", stdout=out)

    assert "2026-10" in out.getvalue()
    assert october.engineer_a.name in out.getvalue()


def test_json_output_is_machine_readable_KPI_07(october):
    data = json.loads(assess("--month", "2026-10", "--json"))

    assert data["months"] == ["2026-10"]
    [person] = [p for p in data["people"] if p["id"] == october.engineer_a.pk]
    assert person["rules"]["KPI-02"]["current"] == {"points": "1", "fine": "100.00", "count": 2}
    assert person["totals"]["ledger"]["fine"] == "300.00"
    assert data["totals"]["current"]["fine"] == "300.00"


def test_a_policy_file_shows_the_difference_KPI_07_KPI_08_BEH_01(october, tmp_path):
    path = policy_file(
        tmp_path,
        {
            "params": {"kpi.fine_per_point": "120", "kpi.contact_late_points": "1"},
            "disabled_rules": ["BEH-01"],
        },
    )

    out = assess("--month", "2026-10", "--policy", path)

    assert "kpi.fine_per_point = 120" in out and "BEH-01" in out
    kpi = next(x for x in out.splitlines() if x.startswith("KPI-02"))
    assert kpi.split()[1:] == ["1", "2", "100.00", "100.00", "240.00", "+140.00"]
    assert "Would cross a threshold:" in out
    assert "2026-10 KPI-08" in out
    assert "Would no longer cross:" in out and "2026-10 BEH-02" in out
    total = next(x for x in out.splitlines() if x.startswith("Total"))
    assert total.split()[-1] == "-60.00"  # 300 now → 240 replayed
    assert "1 of" in out
    assert Entry.objects.filter(fine=Decimal("120")).count() == 0  # nothing written


def test_a_range_of_months_KPI_02(october):
    data = json.loads(assess("--month", "2026-09", "--to", "2026-11", "--json"))

    assert data["months"] == ["2026-09", "2026-10", "2026-11"]
    assert data["totals"]["current"]["fine"] == "300.00"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--month", "2026-13"], "--month: give a month as YYYY-MM"),
        (["--month", "October"], "--month: give a month as YYYY-MM"),
        (["--month", "2026-10", "--to", "2026-09"], "before the first"),
        (["--month", "2026-10", "--station", "NOPE"], "--station"),
        (["--month", "2026-10", "--policy", "/nonexistent/policy.json"], "cannot read"),
    ],
)
def test_bad_arguments_are_refused_with_a_message(october, args, words):
    with pytest.raises(CommandError) as error:
        assess(*args)

    assert words in str(error.value)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"disabled_rules": ["KPI-99"]}, "disabled_rules.KPI-99: Unknown rule ID."),
        ({"params": {"beh.violation_fine": "-50"}}, "beh.violation_fine: Must be between 0"),
        ({"params": {"kpi.nope": "1"}}, "kpi.nope: Unknown policy parameter."),
        ("{not json", "file: The policy file cannot be read"),
    ],
)
def test_a_bad_policy_file_names_the_key_BEH_01(october, tmp_path, data, words):
    with pytest.raises(CommandError) as error:
        assess("--month", "2026-10", "--policy", policy_file(tmp_path, data))

    assert words in str(error.value)
    assert "nothing was stored" in str(error.value) or "file:" in str(error.value)


def test_uv_run_crewdesk_assess_exits_non_zero_on_a_bad_policy_KPI_07(tmp_path):
    """The real command line: `uv run crewdesk assess` through the project's script."""
    path = policy_file(
        tmp_path, {"params": {"kpi.fine_per_point": "-1"}, "disabled_rules": ["XYZ-1"]}
    )
    env = {
        **os.environ,
        "UV_PYTHON_DOWNLOADS": "never",
        "CREWDESK_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)

    done = subprocess.run(
        [
            "uv",
            "run",
            "--offline",
            "crewdesk",
            "assess",
            "--month",
            "2026-10",
            "--policy",
            path,
            "--language",
            "en",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert done.returncode == 1, done.stderr
    assert "kpi.fine_per_point: Must be between 0" in done.stderr
    assert "disabled_rules.XYZ-1: Unknown rule ID." in done.stderr
    assert done.stdout == ""
