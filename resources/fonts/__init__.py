"""Fonts embedded in PDF documents (DejaVu; licence in LICENSE-DejaVu.txt)."""
