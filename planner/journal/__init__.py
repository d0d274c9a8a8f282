"""The trade journal: closed trades, their store, imports and statistics (SPEC §7)."""
