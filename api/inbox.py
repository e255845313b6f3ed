"""The staff inbox. A placeholder page until the task inbox replaces it."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue

from api.auth import login_required

blueprint = Blueprint("inbox", __name__)


@blueprint.get("/inbox")
@login_required
def index() -> ResponseReturnValue:
    return render_template("inbox/index.html")
