"""WO-15: the customer wording templates (edited by the operations manager, defaults shipped in
workorders/wording.py) and the customer notices produced from them, recorded on the order."""

from django.db import transaction
from django.utils.translation import gettext as _

from core import audit, clock
from core.errors import DomainError
from core.policy import policy_for
from people.models import Person
from workorders import wording
from workorders.models import Order, WordingTemplate
from workorders.services.common import _event

MAX_TEXT = 2000


def templates() -> dict[tuple[str, str], str]:
    """Every situation and language: the edited text, or the default."""
    edited = {(t.situation, t.language): t.text for t in WordingTemplate.objects.all()}
    return {
        (situation, language): edited.get((situation, language))
        or wording.DEFAULTS[(situation, language)]
        for situation in wording.SITUATION_KEYS
        for language, _name in wording.LANGUAGES
    }


def template_text(situation: str, language: str) -> str:
    row = WordingTemplate.objects.filter(situation=situation, language=language).first()
    return row.text if row else wording.DEFAULTS[(situation, language)]


def _check(situation: str, language: str) -> None:
    if situation not in wording.SITUATION_KEYS:
        raise DomainError(_("Unknown situation."), field="situation")
    if language not in dict(wording.LANGUAGES):
        raise DomainError(_("Unknown language."), field="language")


@transaction.atomic
def save_template(
    *, situation: str, language: str, text: str, by: Person
) -> WordingTemplate | None:
    """Store the operations manager's wording; an empty text (or the default itself) goes back to
    the default."""
    _check(situation, language)
    text = (text or "").strip()
    if len(text) > MAX_TEXT:
        raise DomainError(_("At most 2000 characters."), field="text")
    existing = WordingTemplate.objects.filter(situation=situation, language=language).first()
    default = wording.DEFAULTS[(situation, language)]
    before = existing.text if existing else default
    data = {"situation": situation, "language": language}
    if not text or text == default:
        if existing is not None:
            audit.record(
                existing, "workorders.wording.reset", by=by, changes={"text": [before, default]},
                data=data,
            )  # fmt: skip
            existing.delete()
        return None
    row, _created = WordingTemplate.objects.update_or_create(
        situation=situation,
        language=language,
        defaults={"text": text, "updated_at": clock.now(), "updated_by": by},
    )
    if text != before:
        audit.record(
            row, "workorders.wording.changed", by=by, changes={"text": [before, text]}, data=data
        )
    return row


def notice_for(order: Order, *, situation: str, language: str) -> str:
    """The customer notice of this order in the given situation and language."""
    _check(situation, language)
    name = order.customer.name if order.customer_id else order.unit.name
    return wording.render(template_text(situation, language), customer=name, number=order.number)


def record_notice(
    order: Order, *, by: Person | None, situation: str, language: str = "zh-hans"
) -> str:
    """Produce the customer notice and keep it on the order's timeline (what the customer was
    told, when and by whom)."""
    text = notice_for(order, situation=situation, language=language)
    _event(order, "customer_notice", by=by, note=text, situation=situation, language=language)
    return text


def uses_standard_wording(order: Order) -> bool:
    return bool(policy_for(order.unit.client_id, on=clock.today())["wo.standard_wording"])
