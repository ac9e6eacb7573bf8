"""Receipts and X/Z reports: the document model, paper layout, policy and device ports."""
