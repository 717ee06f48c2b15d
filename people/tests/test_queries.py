"""Scoping: who sees whom. Anything outside one's scope does not exist for him (404)."""

import pytest
from django.http import Http404

from people.queries import (
    access_customer,
    access_person,
    customer_phone_for,
    customers_for,
    people_for,
    units_for,
)

pytestmark = pytest.mark.django_db


def names(qs):
    return {p.user.username for p in qs}


def test_an_engineer_sees_only_himself(org):
    assert names(people_for(org.engineer_a.user)) == {"engineer_a"}
    with pytest.raises(Http404):
        access_person(org.engineer_a.user, org.engineer_b.pk)
    with pytest.raises(Http404):
        access_person(org.engineer_a.user, org.manager_a.pk)


def test_a_station_manager_sees_his_station(org):
    seen = names(people_for(org.manager_a.user))
    assert {"manager_a", "leader_a", "engineer_a", "vendor_engineer_a"} <= seen
    assert "engineer_b" not in seen and "ops" not in seen
    with pytest.raises(Http404):
        access_person(org.manager_a.user, org.engineer_b.pk)


def test_a_group_leader_sees_his_team(org):
    assert names(people_for(org.leader_a.user)) == {"leader_a", "engineer_a", "vendor_engineer_a"}


def test_the_operations_manager_and_desk_roles_see_everyone(org):
    for persona in (org.ops, org.cs, org.hr):
        assert "engineer_b" in names(people_for(persona.user))


def test_a_vendor_contact_sees_only_his_companys_staff(org):
    assert names(people_for(org.vendor_contact.user)) == {"vendor_contact", "vendor_engineer_a"}


def test_the_clients_person_in_charge_sees_the_staff_serving_his_company(org):
    seen = names(people_for(org.client_pic.user))
    assert {"engineer_a", "vendor_engineer_a", "client_pic"} <= seen
    assert "engineer_b" not in seen


def test_units_are_scoped(org):
    assert set(units_for(org.manager_a.user)) == {org.station_a, org.community_a}
    assert org.station_b not in set(units_for(org.engineer_a.user))
    assert set(units_for(org.client_pic.user)) == {org.station_a, org.community_a}


def test_customers_are_scoped_and_phones_masked_except_for_the_desk(org):
    assert set(customers_for(org.engineer_a.user)) == {org.customer_a}
    assert not customers_for(org.vendor_contact.user).exists()
    with pytest.raises(Http404):
        access_customer(org.engineer_a.user, org.customer_b.pk)
    assert customer_phone_for(org.engineer_a.user, org.customer_a) == "135****1203"
    assert customer_phone_for(org.manager_a.user, org.customer_a) == "135****1203"
    assert customer_phone_for(org.cs.user, org.customer_a) == "13512341203"


def test_moving_a_unit_moves_its_subtree(org):
    org.station_a.parent = org.station_b
    org.station_a.save()
    org.community_a.refresh_from_db()
    assert org.community_a.path.startswith(org.station_b.path)
    assert org.engineer_a in people_for(org.manager_a.user)
