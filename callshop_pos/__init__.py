"""CallShop POS: the domain core (pure Python, no Qt, no hardware I/O)."""

__version__ = "0.1.0"
