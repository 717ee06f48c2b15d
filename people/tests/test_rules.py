import pytest
from hypothesis import given
from hypothesis import strategies as st

from people.rules import masked_phone


@pytest.mark.parametrize(
    ("phone", "shown"),
    [
        ("13512341203", "135****1203"),  # SEC-05, the example of the regulation
        ("075583001234", "075*****1234"),
        ("1234567", "*******"),
        ("", ""),
    ],
)
def test_customer_phones_are_masked_as_sec_05_shows(phone, shown):
    assert masked_phone(phone) == shown


@given(st.text(alphabet="0123456789", min_size=8, max_size=15))
def test_a_masked_phone_keeps_length_and_hides_the_middle(phone):
    shown = masked_phone(phone)
    assert len(shown) == len(phone)
    assert shown[3:-4] == "*" * (len(phone) - 7)
