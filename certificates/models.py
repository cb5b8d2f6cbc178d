"""Certification programs, issued certificates and their verification live here (next release)."""
