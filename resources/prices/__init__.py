"""Sample price lists shipped with the product (used by the demo)."""
