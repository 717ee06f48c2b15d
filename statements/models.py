"""Assessment month close, statements, settlement guard and quarterly scores (KPI-10, KPI-11)."""
