"""Charts per station and for the company, each linked to its rows and exportable."""
