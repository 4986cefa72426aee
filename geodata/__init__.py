"""Siaga 112 geodata: region packs, the offline geocoder and travel times.

Knows places and distances, nothing about incidents: it imports nothing from
:mod:`dispatch` or :mod:`console`.
"""
