"""Prepaid calling cards: ``admin`` (batches, blocking, a card's history), ``till``
(sell, top up, balance), ``engine`` (the line engine's PIN check and debits, behind
:mod:`callshop_pos.engine_store.card_store`), ``sheets`` (the printed cards), ``secret``
(the installation's PIN key) and ``common``. See docs/cards.md."""
