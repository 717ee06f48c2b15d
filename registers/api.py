"""Registers over the API, scoped like the pages."""

from ninja import Router

router = Router(tags=["registers"])
