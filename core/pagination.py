"""One pagination for every API list: limit/offset with bounds, answers {"items", "count"}."""

from typing import Annotated

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

# Ids in paths and filters: positive and within a 64-bit column, so a wild number is a 422,
# never a database overflow.
Id = Annotated[int, Field(ge=1, le=2**62)]


class Pagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(50, ge=1, le=500)
        offset: int = Field(0, ge=0, le=10_000_000)
