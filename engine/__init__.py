"""Senapas engine: runs BPMN definitions on SpiffWorkflow with SQL persistence; never imports flask."""
