"""The survey pages' one blueprint: the owners' response pages and the staff's campaign pages."""

from __future__ import annotations

from flask import Blueprint

from api.web.auth import FRONT_DESK

__all__ = ["SURVEY_DESK", "blueprint"]

blueprint = Blueprint("surveys", __name__)

# Who runs the collection (the process's customer-service lane) and their supervisors:
# they print the forms, enter paper and follow-up answers and confirm the free text.
SURVEY_DESK = FRONT_DESK
