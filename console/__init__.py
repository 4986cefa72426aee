"""Siaga 112 console: the Textual front end and the ``siaga`` command line.

The console talks only to :mod:`dispatch`'s service API; it never opens a
database session itself (see DESIGN.md).
"""
