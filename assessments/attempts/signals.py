"""Signals other apps listen to, so they can react to results without assessments knowing about them."""

from django.dispatch import Signal

# Sent once when an attempt is submitted and scored. Arguments: attempt.
attempt_submitted = Signal()
