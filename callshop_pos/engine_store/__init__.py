"""The line engine's adapters over the shop database.

The engine (:mod:`callshop_pos.lines`) defines its ports (booth store, tariff, call
recorder); these modules implement them with the service layer, so ``lines`` never
imports ``services`` and this package sits above both.
"""
