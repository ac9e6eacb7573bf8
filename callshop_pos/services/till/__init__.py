"""The till's use cases: shifts, payments, deposits, printing, the fiscal device."""
