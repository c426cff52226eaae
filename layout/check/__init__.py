"""Preflight of print PDFs, EPUB validation and content lint."""
