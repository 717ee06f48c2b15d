"""Callbacks (CB-01..03) and complaints (CB-04, KPI-06)."""
