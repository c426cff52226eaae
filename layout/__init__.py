"""layout: lays out a Chinese newspaper issue as PDF/X pages and an EPUB."""

__version__ = "0.1.0"
