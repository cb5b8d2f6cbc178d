"""Certification programs, issued certificates and verification arrive with the certificates issue."""
