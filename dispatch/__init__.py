"""Siaga 112 dispatch engine: the domain, the database and the event journal.

Front ends (the Textual console, the responder view, the simulator) change
state only through :mod:`dispatch.services`.
"""
