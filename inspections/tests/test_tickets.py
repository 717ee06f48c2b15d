"""Doing an inspection: answers validated per item with nothing half-stored (INS-09), anomalies
opening a repair order on the dispatcher board (INS-04), skip approval (INS-01), spot checks
(CB-03), completion and missed inspections (KPI-10), checklist versions."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.errors import DomainError, ValidationErrors
from core.models import AuditEntry, PolicyVersion
from inspections import services
from inspections.models import (
    Answer,
    AssetKind,
    ChecklistItem,
    ChecklistTemplate,
    SkipRequest,
    SpotCheck,
    Ticket,
)
from inspections.queries import completion_by_person, missed
from inspections.tests.conftest import answers_for, jpeg, not_an_image
from notifications.models import Notification
from workorders.models import Order
from workorders.queries import board_orders

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 3, 9, 0, tzinfo=TZ)  # a Tuesday
pytestmark = pytest.mark.django_db


@pytest.fixture
def tickets(ins, time_machine):
    time_machine.move_to(NOW, tick=False)
    services.generate_tickets(date(2026, 11, 1), date(2026, 11, 30))
    ins.epon_ticket = Ticket.objects.get(asset=ins.epon)
    ins.cafe_ticket = Ticket.objects.filter(asset=ins.cafe).order_by("due_on").first()
    ins.monitoring_ticket = Ticket.objects.filter(asset=ins.monitoring).order_by("due_on")[1]
    return ins


def item(ticket, fragment):
    return ticket.template.items.get(label__contains=fragment)


# --- answers -------------------------------------------------------------------------------------


def test_a_complete_checklist_marks_the_ticket_done(tickets):
    answers, photos = answers_for(tickets.epon_ticket)
    ticket = services.submit_answers(
        tickets.epon_ticket, by=tickets.engineer_a, answers=answers, photos=photos
    )
    assert ticket.status == "done" and ticket.done_by == tickets.engineer_a
    assert ticket.answers.count() == ticket.template.items.count()
    assert ticket.answers.get(item__kind="photo").photo.name.startswith("inspections/")
    assert AuditEntry.objects.filter(action="inspections.ticket.done").exists()


def test_INS_09_a_number_outside_its_limits_stores_nothing(tickets):
    ticket = tickets.monitoring_ticket
    deviation = item(ticket, "校准偏差")
    answers, photos = answers_for(ticket, 校准偏差=("150", ""))
    with pytest.raises(ValidationErrors) as caught:
        services.submit_answers(ticket, by=tickets.engineer_a, answers=answers, photos=photos)
    message = caught.value.errors[f"item_{deviation.pk}"]
    assert "校准偏差" in message and "150" in message and "-100" in message
    ticket.refresh_from_db()
    assert ticket.status == "open" and not Answer.objects.exists()
    assert not AuditEntry.objects.filter(action="inspections.ticket.done").exists()


def test_INS_09_a_missing_required_photo_stores_nothing(tickets):
    ticket = tickets.epon_ticket
    answers, photos = answers_for(ticket)
    photo_item = item(ticket, "照片")
    del photos[photo_item.pk]
    with pytest.raises(ValidationErrors) as caught:
        services.submit_answers(ticket, by=tickets.engineer_a, answers=answers, photos=photos)
    assert set(caught.value.errors) == {f"item_{photo_item.pk}"}
    ticket.refresh_from_db()
    assert ticket.status == "open" and not Answer.objects.exists()


def test_every_wrong_item_is_reported_at_once(tickets):
    ticket = tickets.monitoring_ticket
    answers, photos = answers_for(ticket, 校准偏差=("x", ""), 试剂余量=("101", ""))
    answers[item(ticket, "试剂已按期更换").pk]["value"] = ""
    photos.clear()
    with pytest.raises(ValidationErrors) as caught:
        services.submit_answers(ticket, by=tickets.engineer_a, answers=answers, photos=photos)
    assert len(caught.value.errors) == 4


def test_a_file_that_is_not_an_image_is_refused(tickets):
    ticket = tickets.epon_ticket
    answers, photos = answers_for(ticket)
    photo_item = item(ticket, "照片")
    photos[photo_item.pk] = not_an_image()
    with pytest.raises(ValidationErrors) as caught:
        services.submit_answers(ticket, by=tickets.engineer_a, answers=answers, photos=photos)
    assert f"item_{photo_item.pk}" in caught.value.errors
    photos[photo_item.pk] = SimpleUploadedFile("report.pdf", b"%PDF-1.4", "application/pdf")
    with pytest.raises(ValidationErrors):
        services.submit_answers(ticket, by=tickets.engineer_a, answers=answers, photos=photos)
    assert not Answer.objects.exists()


def test_only_the_tickets_engineer_records_it_and_only_once(tickets):
    answers, photos = answers_for(tickets.epon_ticket)
    with pytest.raises(DomainError):
        services.submit_answers(
            tickets.epon_ticket, by=tickets.vendor_engineer_a, answers=answers, photos=photos
        )
    services.submit_answers(
        tickets.epon_ticket,
        by=tickets.engineer_a,
        answers=answers,
        photos=answers_for(tickets.epon_ticket)[1],
    )
    with pytest.raises(DomainError):
        services.submit_answers(
            tickets.epon_ticket, by=tickets.engineer_a, answers=answers, photos=photos
        )


# --- anomalies (INS-04) --------------------------------------------------------------------------


def test_INS_04_water_in_the_cable_opens_a_repair_order_on_the_dispatcher_board(tickets):
    ticket = tickets.epon_ticket
    answers, photos = answers_for(ticket, 光缆=("no", "光缆进水"))
    services.submit_answers(ticket, by=tickets.engineer_a, answers=answers, photos=photos)
    cable = ticket.answers.get(item__label__contains="光缆")
    assert cable.anomaly and cable.value_bool is False
    assert ticket.answers.filter(anomaly=True).count() == 1
    order = services.open_repair_order(cable, by=tickets.engineer_a)
    assert order.state == "new" and order.unit == tickets.community_a
    assert f"#{ticket.pk}" in order.description and "光缆进水" in order.description
    cable.refresh_from_db()
    assert cable.order == order  # the link back to the ticket
    board = board_orders(tickets.dispatch.user, {}, now=NOW)
    assert order in board
    # A second tap gives the same order.
    assert services.open_repair_order(cable, by=tickets.engineer_a) == order
    assert Order.objects.count() == 1


def test_an_anomaly_at_a_cafe_opens_a_repair_order_for_its_account(tickets):
    ticket = tickets.cafe_ticket
    answers, photos = answers_for(ticket, 出口链路=("no", "经常断线"))
    services.submit_answers(ticket, by=tickets.engineer_a, answers=answers, photos=photos)
    order = services.open_repair_order(ticket.answers.get(anomaly=True), by=tickets.engineer_a)
    assert (order.kind, order.customer, order.fault_class) == (
        "repair",
        tickets.customer_a,
        "general",
    )


def test_an_answer_without_anomaly_opens_no_order(tickets):
    answers, photos = answers_for(tickets.epon_ticket)
    services.submit_answers(
        tickets.epon_ticket, by=tickets.engineer_a, answers=answers, photos=photos
    )
    with pytest.raises(DomainError):
        services.open_repair_order(tickets.epon_ticket.answers.first(), by=tickets.engineer_a)
    assert not Order.objects.exists()


# --- INS-01 skip approval ------------------------------------------------------------------------


def test_INS_01_skipping_needs_the_area_supervisors_approval(tickets):
    ticket = tickets.cafe_ticket
    skip = services.request_skip(ticket, by=tickets.engineer_a, reason="网吧装修停业")
    assert skip.approver == tickets.supervisor_a
    assert Notification.objects.filter(
        recipient=tickets.supervisor_a, event="inspections.skip.requested"
    ).exists()
    ticket.refresh_from_db()
    assert ticket.status == "open"  # asking is not skipping
    with pytest.raises(DomainError):
        services.decide_skip(skip, by=tickets.manager_a, approve=True)  # not his to decide
    services.decide_skip(skip, by=tickets.supervisor_a, approve=True, comment="同意")
    ticket.refresh_from_db()
    skip.refresh_from_db()
    assert (ticket.status, skip.status, skip.decided_by) == (
        "skipped",
        "approved",
        tickets.supervisor_a,
    )
    assert AuditEntry.objects.filter(action="inspections.skip.approved").exists()
    assert Notification.objects.filter(
        recipient=tickets.engineer_a, event="inspections.skip.decided"
    ).exists()


def test_INS_01_a_refused_skip_keeps_the_ticket_and_needs_a_reason(tickets):
    ticket = tickets.cafe_ticket
    skip = services.request_skip(ticket, by=tickets.engineer_a, reason="太忙")
    with pytest.raises(DomainError):
        services.decide_skip(skip, by=tickets.supervisor_a, approve=False, comment="")
    services.decide_skip(skip, by=tickets.supervisor_a, approve=False, comment="必须巡检")
    ticket.refresh_from_db()
    assert ticket.status == "open"
    assert SkipRequest.objects.get().status == "refused"
    assert AuditEntry.objects.filter(action="inspections.skip.refused").exists()
    with pytest.raises(DomainError):
        services.decide_skip(skip, by=tickets.supervisor_a, approve=True)  # decided already


def test_INS_01_one_pending_request_and_a_reason(tickets):
    ticket = tickets.cafe_ticket
    with pytest.raises(DomainError):
        services.request_skip(ticket, by=tickets.engineer_a, reason=" ")
    services.request_skip(ticket, by=tickets.engineer_a, reason="停电")
    with pytest.raises(DomainError):
        services.request_skip(ticket, by=tickets.engineer_a, reason="停电")
    assert SkipRequest.objects.count() == 1


# --- completion and missed (KPI-10) --------------------------------------------------------------


def test_KPI_10_completion_by_person_and_missed_inspections(tickets, time_machine):
    nov = (date(2026, 11, 1), date(2026, 11, 30))
    planned = Ticket.objects.filter(engineer=tickets.engineer_a, due_on__range=nov).count()
    assert completion_by_person([tickets.engineer_a.pk, tickets.engineer_b.pk], *nov) == {
        tickets.engineer_a.pk: (0, planned),
        tickets.engineer_b.pk: (0, 0),
    }
    answers, photos = answers_for(tickets.epon_ticket)
    services.submit_answers(
        tickets.epon_ticket, by=tickets.engineer_a, answers=answers, photos=photos
    )
    skip = services.request_skip(tickets.cafe_ticket, by=tickets.engineer_a, reason="停业")
    services.decide_skip(skip, by=tickets.supervisor_a, approve=True)
    assert completion_by_person([tickets.engineer_a.pk], *nov) == {
        tickets.engineer_a.pk: (1, planned - 1)
    }
    # Missed: due passed, neither done nor skipped with approval.
    late = missed(*nov, today=date(2026, 12, 1))
    assert tickets.epon_ticket not in late and tickets.cafe_ticket not in late
    assert late.count() == planned - 2
    assert missed(*nov, today=date(2026, 11, 3)).count() == 0


# --- CB-03 ---------------------------------------------------------------------------------------


def every_ticket_sampled():
    PolicyVersion.objects.create(
        company=None,
        effective_from=date(2020, 1, 1),
        values={"cb.spot_check_percent": 100},
        created_at=datetime(2020, 1, 1, tzinfo=TZ),
    )


def test_CB_03_done_tickets_are_sampled_for_the_dispatch_centre(tickets):
    every_ticket_sampled()
    answers, photos = answers_for(tickets.epon_ticket)
    services.submit_answers(
        tickets.epon_ticket, by=tickets.engineer_a, answers=answers, photos=photos
    )
    assert SpotCheck.objects.get().ticket == tickets.epon_ticket


def test_CB_03_none_sampled_at_zero_percent(tickets):
    PolicyVersion.objects.create(
        company=None,
        effective_from=date(2020, 1, 1),
        values={"cb.spot_check_percent": 0},
        created_at=datetime(2020, 1, 1, tzinfo=TZ),
    )
    answers, photos = answers_for(tickets.epon_ticket)
    services.submit_answers(
        tickets.epon_ticket, by=tickets.engineer_a, answers=answers, photos=photos
    )
    assert not SpotCheck.objects.exists()


def test_CB_03_a_mismatch_is_a_finding_for_the_area_supervisor(tickets):
    every_ticket_sampled()
    answers, photos = answers_for(tickets.epon_ticket)
    services.submit_answers(
        tickets.epon_ticket, by=tickets.engineer_a, answers=answers, photos=photos
    )
    check = SpotCheck.objects.get()
    with pytest.raises(DomainError):
        services.record_spot_check(check, by=tickets.dispatch, matched=False, note="")
    services.record_spot_check(check, by=tickets.dispatch, matched=False, note="用户称无人到场")
    check.refresh_from_db()
    assert (check.result, check.supervisor) == ("mismatch", tickets.supervisor_a)
    entry = AuditEntry.objects.get(action="inspections.spotcheck.mismatch")
    assert entry.data["rule"] == "CB-03"
    assert Notification.objects.filter(
        recipient=tickets.supervisor_a, event="inspections.spotcheck.mismatch"
    ).exists()
    with pytest.raises(DomainError):
        services.record_spot_check(check, by=tickets.dispatch, matched=True)


def test_CB_03_a_match_notifies_nobody(tickets):
    every_ticket_sampled()
    answers, photos = answers_for(tickets.epon_ticket)
    services.submit_answers(
        tickets.epon_ticket, by=tickets.engineer_a, answers=answers, photos=photos
    )
    services.record_spot_check(SpotCheck.objects.get(), by=tickets.dispatch, matched=True)
    assert SpotCheck.objects.get().result == "match"
    assert not Notification.objects.filter(event="inspections.spotcheck.mismatch").exists()


# --- checklists (INS-06, INS-08, INS-09) ---------------------------------------------------------


def test_INS_08_line_labels_are_checked_on_switches_chassis_and_trunk_lines(defaults):
    for kind in (AssetKind.SWITCH, AssetKind.CHASSIS, AssetKind.EPON_LINE, AssetKind.MACHINE_ROOM):
        template = services.template_for(None, kind)
        assert template.items.filter(rule_id="INS-08", label__contains="标签").exists(), kind


def test_INS_06_monitoring_checklist_asks_for_reagents_consumables_and_calibration(defaults):
    items = services.template_for(None, AssetKind.MONITORING_POINT).items
    for fragment in ("试剂已按期更换", "耗材已按期更换", "已按期校准"):
        assert items.filter(label__contains=fragment, rule_id="INS-06").exists()
    deviation = items.get(label__contains="校准偏差")
    assert deviation.kind == "number" and deviation.min_value is not None


def test_INS_04_epon_checklist_has_the_four_checks(defaults):
    labels = " ".join(
        services.template_for(None, AssetKind.EPON_LINE).items.values_list("label", flat=True)
    )
    for fragment in ("防雷", "防水", "破损", "老化", "进水", "钢绞线", "挂钩"):
        assert fragment in labels


def test_INS_09_a_new_version_keeps_old_tickets_on_their_version(tickets):
    old = tickets.epon_ticket.template
    with pytest.raises(DomainError):
        services.add_item(old, by=tickets.ops, label="新增", kind="yes_no")  # published
    draft = services.new_version(old, by=tickets.ops)
    assert (draft.version, draft.status) == (2, "draft")
    assert draft.items.count() == old.items.count()
    extra = services.add_item(draft, by=tickets.ops, label="光交箱接地", kind="yes_no")
    services.move_item(extra, by=tickets.ops, up=True)
    services.remove_item(draft.items.get(label__contains="挂钩"), by=tickets.ops)
    services.publish_checklist(draft, by=tickets.ops)
    old.refresh_from_db()
    assert old.status == "retired"
    assert services.template_for(tickets.client.pk, AssetKind.EPON_LINE) == draft
    tickets.epon_ticket.refresh_from_db()
    assert tickets.epon_ticket.template == old  # the open ticket keeps its version
    labels = list(draft.items.order_by("position").values_list("label", flat=True))
    assert labels[-2] == "光交箱接地" and not any("挂钩" in label for label in labels)
    assert AuditEntry.objects.filter(action="inspections.checklist.published").exists()


def test_INS_09_a_clients_own_checklist_wins_over_the_default(tickets):
    own = services.create_checklist(
        by=tickets.ops, name="华南广电 EPON", asset_kind=AssetKind.EPON_LINE, client=tickets.client
    )
    services.add_item(
        own, by=tickets.ops, label="光功率", kind="number", min_value=-30, max_value=0
    )
    services.publish_checklist(own, by=tickets.ops)
    assert services.template_for(tickets.client.pk, AssetKind.EPON_LINE) == own
    assert services.template_for(tickets.other_client.pk, AssetKind.EPON_LINE).client is None
    assert services.template_for(None, AssetKind.EPON_LINE).client is None


def test_INS_09_bad_items_are_refused(tickets):
    draft = services.create_checklist(by=tickets.ops, name="x", asset_kind=AssetKind.SWITCH)
    with pytest.raises(ValidationErrors) as caught:
        services.add_item(draft, by=tickets.ops, label="", kind="number", min_value=5, max_value=1)
    assert {"label", "max_value"} <= set(caught.value.errors)
    with pytest.raises(DomainError):
        services.publish_checklist(draft, by=tickets.ops)  # no items
    assert not ChecklistItem.objects.filter(template=draft).exists()
    assert ChecklistTemplate.objects.get(pk=draft.pk).status == "draft"


def test_photo_upload_size_limit(tickets, settings):
    ticket = tickets.epon_ticket
    answers, photos = answers_for(ticket)
    photo_item = item(ticket, "照片")
    big = jpeg()
    big.size = services.MAX_PHOTO_BYTES + 1
    photos[photo_item.pk] = big
    with pytest.raises(ValidationErrors) as caught:
        services.submit_answers(ticket, by=tickets.engineer_a, answers=answers, photos=photos)
    assert "MB" in caught.value.errors[f"item_{photo_item.pk}"]


def test_KPI_10_missed_per_person_and_completion_per_station(tickets):
    from inspections.queries import completion_by_station, missed_by_person

    nov = (date(2026, 11, 1), date(2026, 11, 30))
    planned = Ticket.objects.filter(due_on__range=nov).count()
    assert completion_by_station(*nov) == {tickets.station_a.pk: (0, planned)}
    assert missed_by_person(
        [tickets.engineer_a.pk, tickets.engineer_b.pk], *nov, today=date(2026, 12, 1)
    ) == {tickets.engineer_a.pk: planned, tickets.engineer_b.pk: 0}


def test_the_nightly_task_generates_once(ins, time_machine):
    from inspections.tasks import generate_inspection_tickets

    time_machine.move_to(NOW, tick=False)
    generate_inspection_tickets.call_local()
    count = Ticket.objects.count()
    assert count > 0
    generate_inspection_tickets.call_local()
    assert Ticket.objects.count() == count
    assert not Ticket.objects.filter(window_start__gt=date(2026, 11, 9)).exists()


def test_INS_01_without_an_area_supervisor_the_station_manager_decides(tickets):
    tickets.supervisor_a.active = False
    tickets.supervisor_a.save()
    skip = services.request_skip(tickets.cafe_ticket, by=tickets.engineer_a, reason="停电")
    assert skip.approver == tickets.manager_a
