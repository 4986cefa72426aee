"""Exports: incidents as NENA EIDO JSON, shifts as JSON Lines archives of events."""
