"""The behaviour code at the customer's home (RULES §6, BEH-01) as shipped defaults: the item
codes are stable (API, tests, ledger evidence), the labels are English msgids translated at
display. The data migration 0002 copies these rows into `BehaviourItem`."""

from django.utils.translation import gettext_noop

DEFAULT_ITEMS: tuple[tuple[str, str], ...] = (
    ("appointment", gettext_noop("Appointment agreed by phone and kept, full tool kit")),
    ("knocking", gettext_noop("Knocked three times, waited 3 s, knocked three more")),
    ("greeting", gettext_noop("Standard greeting and work badge shown")),
    ("shoe-covers", gettext_noop("Asked whether to wear shoe covers")),
    ("clean-site", gettext_noop("Home kept clean, things put back, site wiped and cleared")),
    ("closing-words", gettext_noop("Standard closing words with the hotline")),
    ("no-gift", gettext_noop("Accepted no gift or meal")),
    ("no-smoking", gettext_noop("No smoking, chewing gum or alcohol")),
    ("no-arguing", gettext_noop("Did not argue with the customer")),
    (
        "no-forbidden-phrases",
        gettext_noop("None of the forbidden phrases, no blaming colleagues or the customer"),
    ),
)


def ensure_default_items() -> int:
    """Put back any shipped item that is missing (the data migration adds them on a new
    database; a table flushed by hand or by a transactional test loses them). Returns how many
    were added; existing items, edited labels and deactivations are left alone."""
    from callbacks.models import BehaviourItem

    added = 0
    for position, (code, label) in enumerate(DEFAULT_ITEMS, start=1):
        _item, created = BehaviourItem.objects.get_or_create(
            code=code, defaults={"label": label, "position": position}
        )
        added += created
    return added
