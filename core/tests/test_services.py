"""Policy versions, company variants, audit entries and API tokens."""

from datetime import date

import pytest
import time_machine

from core.errors import ValidationErrors
from core.models import AuditEntry, PolicyVersion
from core.policy import policy_for
from core.services import change_policy, create_api_token, revoke_api_token, user_for_token

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 22)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2026-11-22 10:00 +0800", tick=False):
        yield


def test_change_policy_stores_a_version_and_the_audit_entry(org):
    version = change_policy(
        {"wo.contact_within_minutes": "15", "wo.chain_fine": "200"},
        by=org.ops.user,
        effective_from=TODAY,
        comment="试行",
    )
    assert version.values == {"wo.contact_within_minutes": 15}  # unchanged values are not stored
    assert policy_for(None, on=TODAY)["wo.contact_within_minutes"] == 15
    entry = AuditEntry.objects.get(action="policy.version.created")
    assert entry.actor == org.ops.user
    assert entry.changes == {"wo.contact_within_minutes": [10, 15]}
    assert entry.data["comment"] == "试行"


def test_versions_take_effect_from_their_date_and_history_is_kept(org):
    change_policy({"att.late_fine": "30"}, by=org.ops.user, effective_from=date(2026, 12, 1))
    assert policy_for(None, on=TODAY)["att.late_fine"] == 20
    assert str(policy_for(None, on=date(2026, 12, 1))["att.late_fine"]) == "30"
    change_policy({"att.late_fine": "40"}, by=org.ops.user, effective_from=date(2027, 1, 1))
    assert str(policy_for(None, on=date(2026, 12, 31))["att.late_fine"]) == "30"
    assert str(policy_for(None, on=date(2027, 1, 1))["att.late_fine"]) == "40"
    assert PolicyVersion.objects.count() == 2


def test_a_company_variant_overrides_only_its_values(org):
    change_policy(
        {"att.work_start": "09:00"}, by=org.ops.user, effective_from=TODAY, company=org.client
    )
    change_policy({"att.late_fine": "25"}, by=org.ops.user, effective_from=TODAY)
    variant = policy_for(org.client, on=TODAY)
    assert variant.raw("att.work_start") == "09:00"
    assert variant.raw("att.late_fine") == "25"  # follows the default where not overridden
    assert policy_for(org.vendor, on=TODAY).raw("att.work_start") == "08:30"
    assert policy_for(None, on=TODAY).raw("att.work_start") == "08:30"


def test_bad_values_store_nothing(org):
    with pytest.raises(ValidationErrors) as err:
        change_policy(
            {"wo.contact_within_minutes": "15", "wo.chain_fine": "-200", "wo.unknown": "1"},
            by=org.ops.user,
            effective_from=TODAY,
        )
    assert set(err.value.errors) == {"wo.chain_fine", "wo.unknown"}
    assert not PolicyVersion.objects.exists()
    assert not AuditEntry.objects.exists()


def test_a_version_cannot_start_in_the_past(org):
    with pytest.raises(ValidationErrors) as err:
        change_policy({"att.late_fine": "30"}, by=org.ops.user, effective_from=date(2026, 11, 1))
    assert "effective_from" in err.value.errors


def test_nothing_changed_stores_nothing(org):
    assert change_policy({"att.late_fine": "20"}, by=org.ops.user, effective_from=TODAY) is None
    assert not PolicyVersion.objects.exists()


def test_two_changes_on_one_day_both_count(org):
    change_policy({"att.late_fine": "30"}, by=org.ops.user, effective_from=TODAY)
    change_policy({"beh.violation_fine": "60"}, by=org.ops.user, effective_from=TODAY)
    policy = policy_for(None, on=TODAY)
    assert (policy.raw("att.late_fine"), policy.raw("beh.violation_fine")) == ("30", "60")


def test_tokens_authenticate_until_revoked(org):
    token, secret = create_api_token(org.engineer_a.user, name="打卡机")
    assert user_for_token(secret) == org.engineer_a.user
    assert user_for_token(secret + "x") is None
    assert user_for_token("cd_nope_nope") is None
    assert token.secret_hash not in secret  # only a hash is stored
    revoke_api_token(token, by=org.engineer_a.user)
    assert user_for_token(secret) is None
    actions = list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))
    assert actions == ["api.token.created", "api.token.revoked"]
