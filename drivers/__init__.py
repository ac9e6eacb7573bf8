"""Adapters to the outside world: booth lines, serial devices, printers, fiscal device."""
