"""callshop-central: the central billing account of one shop or a chain of shops.

Receives closed shifts and heartbeats from the tills, keeps every shop's carrier
account and the journal heads each till sent (chain anchoring), publishes the wholesale
price list. A separate deployable: it shares only :mod:`callshop_wire` with the till and
never imports the till's code (``callshop_pos``, ``ui``, ``drivers``).
"""

__version__ = "0.1.0"
