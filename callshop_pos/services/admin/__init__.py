"""The back office's use cases: price lists, FX, carrier ledger, users, booths, settings."""
