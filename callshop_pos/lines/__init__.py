"""Booth lines: the driver port, booth state machines and the engine that runs them."""
