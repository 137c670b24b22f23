"""Notifications: who is told what (in the app and by email), deadlines found by the worker, the email outbox."""
