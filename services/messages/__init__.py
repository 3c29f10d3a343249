"""Telling citizens: the outbox, SMS and email senders."""
