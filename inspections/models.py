"""Assets, checklists, inspection plans and tickets (RULES §8)."""
