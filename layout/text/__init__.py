"""Normalisation, font metrics and the line composer."""
