"""Shipped resources: stylesheet, translations, fonts, sample price list."""
