"""Money is Decimal CNY with two places, never float."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def cny(value: Decimal | int | str) -> Decimal:
    """Coerce to a CNY amount rounded to the fen (0.01)."""
    if isinstance(value, float):
        raise TypeError("money must not be a float")
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
