"""Customer-facing displays (serial pole display)."""
