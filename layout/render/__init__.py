"""Painting a plan: HTML, PDF through WeasyPrint, previews and the EPUB."""
