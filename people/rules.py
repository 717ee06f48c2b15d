"""Pure decisions about people data."""


def masked_phone(phone: str) -> str:
    """SEC-05: show a customer phone as 135****1203 (first 3 and last 4 digits kept)."""
    digits = phone or ""
    if len(digits) <= 7:
        return "*" * len(digits)
    return f"{digits[:3]}{'*' * (len(digits) - 7)}{digits[-4:]}"
