"""The owner's web pages (server-rendered HTML, bg/en) served by callshop-central."""

from central.web.routes import install

__all__ = ["install"]
