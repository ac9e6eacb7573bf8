"""The till's side of the link to the central billing account (see docs/sync.md).

- :mod:`.outbox`: the transactional outbox, written by the actions that close a shift
  or correct one (same transaction), with the payload as it stood then;
- :mod:`.payload`: the closed shift / correction as sent (exact money, UTC times, UUIDs);
- :mod:`.transport`: the port an HTTP adapter implements (``drivers/sync_http.py``);
- :mod:`.backoff`: exponential back-off with full jitter;
- :mod:`.sender`: delivers the outbox in order, parks what central refuses for good,
  sends heartbeats and pulls the carrier balance and new wholesale price lists;
- :mod:`.status`: what the cashier window and ``callshop-pos sync status`` show;
- :mod:`.link`: the central URL, shop and token (settings);
- :mod:`.prices`: wholesale price lists pulled from central, applied only after review.
"""
