"""The service layer: one function per user action.

Every function takes the :class:`~callshop_pos.services.context.Shop` context first
and (for actions) the acting :class:`~callshop_pos.services.auth.Actor`; it checks
the actor's role itself, runs in one transaction (``shop.db.write()``), appends its
audit entry (:func:`callshop_pos.journal.append`) and returns a value describing
what changed. Known failures raise :class:`callshop_pos.errors.CallShopError`
subclasses and change nothing.
"""
