"""Signals other apps listen to, so they can react to learning without courses knowing about them."""

from django.dispatch import Signal

# Sent after a person completes a lesson for the first time. Arguments: user, lesson.
lesson_completed = Signal()
