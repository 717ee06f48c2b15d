"""BEH-01: the behaviour code of RULES §6 shipped as checklist items (copied, not imported, from
callbacks/checklist.py so the migration stays as it was written)."""

from django.db import migrations

ITEMS = (
    ("appointment", "Appointment agreed by phone and kept, full tool kit"),
    ("knocking", "Knocked three times, waited 3 s, knocked three more"),
    ("greeting", "Standard greeting and work badge shown"),
    ("shoe-covers", "Asked whether to wear shoe covers"),
    ("clean-site", "Home kept clean, things put back, site wiped and cleared"),
    ("closing-words", "Standard closing words with the hotline"),
    ("no-gift", "Accepted no gift or meal"),
    ("no-smoking", "No smoking, chewing gum or alcohol"),
    ("no-arguing", "Did not argue with the customer"),
    ("no-forbidden-phrases", "None of the forbidden phrases, no blaming colleagues or the customer"),
)


def add_items(apps, schema_editor):
    BehaviourItem = apps.get_model("callbacks", "BehaviourItem")
    for position, (code, label) in enumerate(ITEMS, start=1):
        BehaviourItem.objects.get_or_create(
            code=code, defaults={"label": label, "position": position}
        )


def remove_items(apps, schema_editor):
    apps.get_model("callbacks", "BehaviourItem").objects.filter(
        code__in=[code for code, _label in ITEMS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("callbacks", "0001_initial")]

    operations = [migrations.RunPython(add_items, remove_items)]
