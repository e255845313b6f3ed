"""The owner's ballot page: one-time link, no account, sized for a phone, in zh or en.

A link answers 404 when unknown; once used, after the vote closed, or when
the owner has voted through another unit or on paper, it answers 409 with a
polite page saying which, and nothing is counted.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext

from api.web import throttle
from api.web.database import db, system
from api.web.i18n import N_
from engine.common.errors import (
    AlreadyVoted,
    BallotUsed,
    Conflict,
    FormInvalid,
    NotFound,
    VotingClosed,
)
from engine.meetings.ballots import BallotPaper, ballot_paper, cast_online_ballot

__all__ = ["OWNER_VOTES", "blueprint"]

blueprint = Blueprint("ballot", __name__)

# Spoiled ballots exist only on paper; an owner online agrees, disagrees or abstains.
OWNER_VOTES = ("agree", "disagree", "abstain")
# What the engine's refusal says -> what the owner reads (checked in this order).
REFUSALS: tuple[tuple[type[Conflict], str], ...] = (
    (BallotUsed, N_("This ballot link has been used already. Each link votes once, so your "
                "vote is counted and nothing more is needed.")),
    (AlreadyVoted, N_("You have voted at this meeting already, through another of your units or "
                 "on paper. The same owners vote once for all the units they hold together.")),
    (VotingClosed, N_("Voting through this link has closed. You can still vote in person at "
                  "the meeting.")),
)
GONE = N_("This ballot link can no longer be used.")


@blueprint.route("/ballot/<token>", methods=["GET", "POST"])
@throttle.lookup
def paper(token: str) -> ResponseReturnValue:
    session, rt = db(), system().rt
    try:
        shown = ballot_paper(session, rt, token=token)
    except NotFound:
        return _unknown()
    except Conflict as refused:
        return _refused(refused)
    if request.method == "GET":
        return _ballot(shown, token)
    chosen: dict[int | str, str] = {m.id: request.form.get(f"vote-{m.id}", "")
                                    for m in shown.matters}
    missing = {m_id for m_id, vote in chosen.items() if vote not in OWNER_VOTES}
    if missing:
        return _ballot(shown, token, chosen=chosen, missing=missing), 422
    try:
        cast_online_ballot(session, rt, token=token, votes=chosen)
    except FormInvalid as refused:
        wrong = {int(e.path[1]) for e in refused.errors if len(e.path) == 2}
        return _ballot(shown, token, chosen=chosen, missing=wrong), 422
    except Conflict as refused:
        return _refused(refused)
    return render_template("ballot/thanks.html", paper=shown)


def _ballot(shown: BallotPaper, token: str, *, chosen: Mapping[int | str, str] | None = None,
            missing: Collection[int | str] | None = None) -> str:
    # The area in fixed point, as the notice prints it: never an exponent.
    return render_template("ballot/paper.html", paper=shown, token=token, votes=OWNER_VOTES,
                           area=format(shown.area, "f"), chosen=chosen or {},
                           missing=missing or set())


def _refused(refused: Conflict) -> ResponseReturnValue:
    reason = next((words for kind, words in REFUSALS if isinstance(refused, kind)), GONE)
    return render_template("ballot/refused.html", reason=gettext(reason)), 409


def _unknown() -> ResponseReturnValue:
    return render_template("ballot/unknown.html"), 404
