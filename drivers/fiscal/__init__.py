"""Fiscal devices (Bulgaria, Н-18) through the ErpNet.FP print server."""
