"""Marshmallow schemas of the REST API, named by role: ``…Create``, ``…Read``, ``…Args``."""
