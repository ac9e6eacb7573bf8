"""Receipts and X/Z reports: the document model, paper layout and device ports."""
