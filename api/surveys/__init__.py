"""The yearly owner survey on the web: owners answer by code, staff follow the campaign."""

from api.surveys import owner_pages, results, staff_pages
from api.surveys.blueprint import blueprint

__all__ = ["blueprint", "owner_pages", "results", "staff_pages"]
