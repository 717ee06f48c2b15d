"""Equipment stock-takes (INS-07) and the machine-room register (SEC-04)."""
