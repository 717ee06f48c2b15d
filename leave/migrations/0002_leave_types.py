"""Seed the leave types named in RULES.md §3 (REQ-01, REQ-02, REQ-05, REQ-06).

`name` is the Chinese name shown by default, `name_en` the English one. Re-running is harmless:
rows are matched by code and an admin's later edits to other types are left alone.
"""

from django.db import migrations

LEAVE_TYPES = [
    # code, name, name_en, paid, needs_notice (REQ-02), needs_certificate (REQ-05)
    ("personal", "事假", "Personal leave", False, True, False),
    ("sick", "病假", "Sick leave", True, False, True),
    ("annual", "年假", "Annual leave", True, False, False),
    ("marriage", "婚假", "Marriage leave", True, False, False),
    ("bereavement", "丧假", "Bereavement leave", True, False, False),
    ("maternity", "产假", "Maternity leave", True, False, False),
    ("compensatory", "调休", "Compensatory time off", True, False, False),
]


def seed(apps, schema_editor):
    LeaveType = apps.get_model("leave", "LeaveType")
    for code, name, name_en, paid, needs_notice, needs_certificate in LEAVE_TYPES:
        LeaveType.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "paid": paid,
                "needs_notice": needs_notice,
                "needs_certificate": needs_certificate,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("leave", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
