"""Senapas web edge: the Flask task-inbox UI, the REST API and the command line."""
