"""Daily, weekly and quarterly staff reports (REP-01..04)."""
