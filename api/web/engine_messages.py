"""The engine's messages in the reader's language: each stable code and its English words.

The engine raises errors with a ``message_code`` (field errors: ``code``) and
``params``; a page words them here. Times in the parameters are shown on the
office's clock, to the minute; dates as the office writes them; areas in fixed
point. A parameter may be a phrase ``{code, params}`` of its own, or a list of them.
A code not in the catalog falls back to the engine's English message.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal

from flask import Flask
from flask_babel import format_date, gettext

from api.web.i18n import N_, reads_chinese
from api.web.times import local_time
from engine.common.errors import FieldError, LiaisonError

__all__ = ["CATALOG", "init_app", "problem_text", "render_problem", "worded"]

CATALOG: dict[str, str] = {
    # Forming the owners' committee (engine.meetings.committee).
    "meetings.owner_not_in_estate": N_("Owner %(owner)s holds no unit in this estate."),
    "meetings.owner_listed_twice": N_("An owner is listed twice."),
    "meetings.group_even": N_("The preparatory group needs an odd number of members; "
                              "it has %(count)s."),
    "meetings.group_few_owners": N_("At least half of the preparatory group must be owners; "
                                    "%(owners)s of its %(count)s members are."),
    "meetings.candidate_not_owner": N_("Owner %(owner)s holds no unit in this estate; only "
                                       "owners can stand."),
    "meetings.candidate_twice": N_("%(name)s is nominated twice."),
    "meetings.too_few_candidates": N_("A committee has at least %(least)s members, so at least "
                                      "%(least)s candidates are needed; %(given)s given."),
    "meetings.candidates_announced": N_("The candidates of this committee were announced "
                                        "already."),
    "meetings.election_not_tallied": N_("The committee is elected from a tallied meeting of "
                                        "its own."),
    "meetings.seats_invalid": N_("A committee has an odd number of members from %(least)s to "
                                 "%(most)s, not %(seats)s."),
    "meetings.too_few_elected": N_("The meeting elected %(elected)s candidates, fewer than "
                                   "%(seats)s seats."),
    "meetings.chair_not_member": N_("Choose the chair and the vice-chair from the committee's "
                                    "members: Nos. %(numbers)s."),
    "meetings.chair_is_vice_chair": N_("The chair cannot also be the vice-chair."),
    "meetings.no_run_off": N_("No candidates are tied at the last seat, so there is no run-off "
                              "to record."),
    "meetings.run_off_result": N_("Nos. %(tied)s are tied at the last seat, with %(area)s m² "
                                  "and %(headcount)s owners agreeing each: a run-off between "
                                  "them fills %(left)s of the %(seats)s seats; record the "
                                  "%(left)s it elected."),
    "meetings.filing_not_due": N_("The committee has not been elected, so no filing is due."),
    "meetings.filing_recorded.housing_department": N_("The filing with the district housing "
                                                      "department is recorded already."),
    "meetings.filing_recorded.street_office": N_("The filing with the street office is "
                                                 "recorded already."),
    "meetings.filing_name_missing": N_("Name the authority as on its receipt."),
    "meetings.filing_reference_missing": N_("Give the reference the authority gave."),
    "meetings.filing_date_out_of_range": N_("The filing is received between the election "
                                            "(%(elected_on)s) and today (%(today)s)."),
    # Noticing a general meeting and its agenda (engine.meetings.general_meeting, services).
    "meetings.notice_too_late": N_("The notice must reach the owners at least %(days)s days "
                                   "before the meeting: noticed %(noticed)s, so the meeting can "
                                   "be on %(earliest)s at the earliest."),
    "meetings.convener_unknown": N_("The owners' committee, the residents' committee or the "
                                    "street office convenes a general meeting."),
    "meetings.convener_is_committee": N_("The estate has an owners' committee: it convenes the "
                                         "meeting."),
    "meetings.convener_no_committee": N_("The estate has no owners' committee: the residents' "
                                         "committee or the street office convenes the meeting, "
                                         "with the office's help."),
    "meetings.no_matters": N_("A meeting needs at least one matter to vote on."),
    "meetings.vote_still_open": N_("This meeting's vote is still open; tally it before a new "
                                   "round."),
    "meetings.minutes_missing": N_("Write the minutes of the meeting."),
    "meetings.residents_committee_not_told": N_("The residents' committee is told of the first "
                                                "meeting too."),
    "meetings.agenda_empty": N_("Put at least one matter on the agenda."),
    "meetings.filing_date_unreadable": N_("Give the date the authority received the filing as "
                                          "YYYY-MM-DD."),
    "meetings.meeting_at_unreadable": N_("Give the date and time of the meeting as "
                                         "YYYY-MM-DD HH:MM, e.g. 2026-04-18 09:30."),
    "meetings.line_unit_unknown": N_("Line %(line)s: there is no unit %(unit)s in this estate; "
                                     "start the line with the unit, e.g. A-1203."),
    "meetings.line_unit_developers": N_("Line %(line)s: %(unit)s is still the developer's; name "
                                        "an owner's unit."),
    # Petitions for an extraordinary meeting (engine.meetings.petitions).
    "petitions.purpose_missing": N_("Say what the owners want the meeting for."),
    "petitions.units_foreign": N_("Units %(units)s are not units of this estate."),
    "petitions.signed_twice": N_("%(units)s signed more than once: a unit signs once."),
    "petitions.none_signed": N_("Tick the units the owners signed for."),
    "petitions.area_not_counted": N_("This petition was recorded before the area signed for was "
                                     "counted; record it again with every unit signed for."),
    "petitions.below_threshold": N_("An extraordinary meeting needs owners holding at least 20 %% "
                                    "of the area (%(needed_area)s of %(total_area)s m²) and at "
                                    "least 20 %% of the headcount (%(needed_heads)s of "
                                    "%(total_heads)s); its signers hold %(signed_area)s m² and "
                                    "count as %(signed_heads)s."),
    # Ballots (engine.meetings.ballots).
    "ballots.link_unknown": N_("This ballot link is not known; check the link on the notice."),
    "ballots.link_used": N_("This ballot link was used already; each link votes once."),
    "ballots.used_link_kept": N_("This unit's ballot link was used on %(at)s; a used link is "
                                 "not replaced."),
    "ballots.link_used_just_now": N_("This unit's ballot link was used just now; a used link is "
                                     "not replaced."),
    "ballots.link_used_at": N_("This ballot link was used on %(at)s; each link votes once."),
    "ballots.matter_unknown": N_("This matter is not on the meeting's agenda."),
    "ballots.matter_unanswered": N_("Vote on every matter on the ballot paper."),
    "ballots.vote_unknown": N_("Choose agree, disagree, abstain or spoiled."),
    "ballots.voted_paper": N_("The owner of %(unit)s has voted at this meeting already, on "
                              "paper through %(through)s; the same owners vote once for all "
                              "of their units."),
    "ballots.voted_online": N_("The owner of %(unit)s has voted at this meeting already, online "
                               "through %(through)s; the same owners vote once for all of "
                               "their units."),
    "ballots.unit_foreign": N_("Unit %(unit)s is not a unit of this estate."),
    "ballots.vote_closed": N_("The vote of this meeting is closed."),
    "ballots.online_closed": N_("Online voting closed when the meeting began."),
    "meetings.filing_before_election": N_("A committee is filed once, after its election."),
    "meetings.committee_formed": N_("The committee is no longer being formed."),
    "meetings.minutes_before_tally": N_("Minutes are recorded once the meeting is tallied."),
    # Incidents and cases (engine.workflow.incidents, engine.cases).
    "incidents.case_stopped": N_("This case is stopped by incident #%(incident)s; a supervisor "
                                 "must retry it first."),
    "incidents.unknown": N_("There is no incident #%(incident)s."),
    "incidents.resolved_already": N_("Incident #%(incident)s was already resolved by %(by)s at "
                                     "%(at)s."),
    # What stopped an instance (engine.workflow.sandbox, engine.workflow.instances): the
    # engine's own failures; a script's own exceptions are shown in the script's words.
    "scripts.too_many_steps": N_("The script took more than %(steps)s steps (loop rounds and "
                                 "calls) and was stopped."),
    "scripts.recursion_too_deep": N_("The script called itself too deeply."),
    "scripts.out_of_memory": N_("The script ran out of memory."),
    "scripts.too_long": N_("The script ran longer than %(seconds)s s and was stopped."),
    "scripts.evaluator_died": N_("The script stopped its evaluator; it may have used more than "
                                 "%(memory_mb)s MB of memory."),
    "scripts.data_too_large": N_("The process data would take more than %(kb)s KB, the most an "
                                 "instance may store."),
    "scripts.variable_contains_itself": N_("Variable %(variable)s contains itself, so it cannot "
                                           "be stored."),
    "scripts.variable_too_large": N_("Variable %(variable)s is too large to store."),
    "scripts.key_not_text": N_("Variable %(variable)s has a dictionary key of type %(kind)s; use "
                               "text keys."),
    "scripts.number_too_large": N_("Variable %(variable)s holds a number too large to store."),
    "scripts.not_storable.date": N_("Variable %(variable)s holds a %(kind)s, which process data "
                                    "cannot store; store d.isoformat() or a datetime instead."),
    "scripts.not_storable.set": N_("Variable %(variable)s holds a %(kind)s, which process data "
                                   "cannot store; store sorted(...) instead."),
    "scripts.not_storable.other": N_("Variable %(variable)s holds a %(kind)s, which process data "
                                     "cannot store; convert it to text, a number, a list or a "
                                     "dict, or delete it."),
    "scripts.process_too_deep": N_("The process has grown too deep to go on (a loop that never "
                                   "ends?)."),
    "cases.correction_reason_missing": N_("Say why the record is corrected."),
    # Opinion surveys (engine.surveys).
    "surveys.not_collecting": N_("Survey %(number)s is not collecting answers."),
    "surveys.below_target": N_("Survey %(number)s has a return rate of %(percent)s %%, below "
                               "75 %%: it closes only with the supervisor's recorded reason."),
    "surveys.categories_unconfirmed": N_("%(left)s opinions, suggestions or complaints still "
                                         "need their category confirmed."),
    "surveys.no_report": N_("Survey %(number)s has no categorised report to publish."),
    "surveys.sampled_already": N_("Survey %(number)s has been sampled already."),
    "surveys.no_units": N_("There are no occupied, delivered units to survey: add the estate's "
                           "buildings, units and owners."),
    "surveys.not_sampled": N_("Survey %(number)s is not waiting to be distributed."),
    "surveys.collection_days": N_("The collection window lasts %(least)s to %(most)s days."),
    "surveys.target_reached": N_("Survey %(number)s has reached 75 %%; there is nothing to "
                                 "explain."),
    "surveys.form_answered": N_("This survey form has been answered already; thank you."),
    "surveys.closed_on": N_("This survey closed on %(deadline)s; this code can no longer be "
                            "used."),
    "surveys.not_open": N_("This survey is not open."),
    "surveys.code_missing": N_("Give the code printed on the form."),
    "surveys.code_unknown": N_("No survey form has this code; check it against the paper "
                               "form."),
    "surveys.form_of_another": N_("This form does not belong to survey %(number)s."),
    "surveys.collection_closed": N_("Survey %(number)s no longer takes answers: its collection "
                                    "is closed."),
    "surveys.unit_answered": N_("Unit %(unit)s has answered survey %(number)s already; a unit "
                                "answers once."),
    "surveys.not_distributed": N_("Survey %(number)s has not been distributed yet."),
    # The explanation of a vote's tally (engine.meetings.votes.text.explain_codes).
    "tally.rule": N_("%(kind)s. Owners holding %(participation)s of the total area and "
                     "%(participation)s of the total headcount must take part, and "
                     "%(agreement)s of the participating area and of the participating "
                     "headcount must agree."),
    "tally.kind.item": N_("Civil Code art. 278 item %(item)s: %(matter)s"),
    "tally.kind.ordinary": N_("Ordinary matter"),
    "tally.kind.special": N_("Special matter"),
    "tally.matter.rules_of_procedure": N_("Making or amending the rules of procedure of the "
                                          "owners' assembly"),
    "tally.matter.management_statute": N_("Making or amending the management statute"),
    "tally.matter.elect_committee": N_("Electing the owners' committee or replacing its members"),
    "tally.matter.hire_manager": N_("Hiring or dismissing the property service company or other "
                                    "manager"),
    "tally.matter.use_maintenance_fund": N_("Using the maintenance fund of the buildings and "
                                            "their facilities"),
    "tally.matter.raise_maintenance_fund": N_("Raising the maintenance fund of the buildings and "
                                              "their facilities"),
    "tally.matter.rebuild_or_alter": N_("Rebuilding or altering the buildings and their "
                                        "facilities"),
    "tally.matter.change_use_of_common_parts": N_("Changing the use of common parts or running "
                                                  "a business on them"),
    "tally.matter.other_major": N_("Other major matters of the shared ownership and management"),
    "tally.share.at_least": N_("at least %(fraction)s"),
    "tally.share.more_than": N_("more than %(fraction)s"),
    "tally.estate": N_("The estate: %(units)s units, %(area)s m² of exclusive area, a headcount "
                       "of %(headcount)s; all units of one owner count as one person."),
    "tally.developer": N_("The developer \"%(developer)s\" counts as one person for the "
                          "%(units)s units it holds."),
    "tally.ballots": N_("Ballots: %(votes)s. Every ballot, abstentions and spoiled ones "
                        "included, counts as taking part; only agree counts towards agreement."),
    "tally.vote.agree": N_("agree %(count)s (%(area)s m²)"),
    "tally.vote.disagree": N_("disagree %(count)s (%(area)s m²)"),
    "tally.vote.abstain": N_("abstain %(count)s (%(area)s m²)"),
    "tally.vote.spoiled": N_("spoiled %(count)s (%(area)s m²)"),
    "tally.check.participation_area": N_("Participation by area"),
    "tally.check.participation_headcount": N_("Participation by headcount"),
    "tally.check.agreement_area": N_("Agreement by area"),
    "tally.check.agreement_headcount": N_("Agreement by headcount"),
    "tally.participation_area": N_("%(label)s: %(value)s m² of %(base)s m² took part; %(share)s "
                                   "of %(base)s m² is needed, that is %(needed)s m²: "
                                   "%(verdict)s."),
    "tally.agreement_area": N_("%(label)s: %(value)s m² of the %(base)s m² taking part agreed; "
                               "%(share)s of %(base)s m² is needed, that is %(needed)s m²: "
                               "%(verdict)s."),
    "tally.participation_headcount": N_("%(label)s: %(value)s of %(base)s owners took part; "
                                        "%(share)s of %(base)s is needed, that is at least "
                                        "%(fewest)s: %(verdict)s."),
    "tally.agreement_headcount": N_("%(label)s: %(value)s of the %(base)s owners taking part "
                                    "agreed; %(share)s of %(base)s is needed, that is at least "
                                    "%(fewest)s: %(verdict)s."),
    "tally.nobody_took_part": N_("%(label)s: nobody took part, so nothing was agreed: "
                                 "%(verdict)s."),
    "tally.met": N_("met"),
    "tally.not_met": N_("not met"),
    "tally.passed": N_("Passed: participation and agreement are both met."),
    "tally.not_passed": N_("Not passed; not met: %(failed)s."),
    # Monthly return visits (engine.return_visits).
    "return_visits.month_format": N_("Give the month as YYYY-MM, e.g. 2026-11."),
    "return_visits.month_open": N_("%(month)s is not over yet; a round revisits a month that "
                                   "has ended."),
    "return_visits.round_open": N_("The return visits of %(month)s were opened already."),
    "return_visits.not_opened": N_("The return visits of %(month)s did not open; see the "
                                   "process's incident."),
    "return_visits.no_round": N_("The return visits of %(month)s have not been opened."),
    "return_visits.percent": N_("The sample is between %(least)s %% and 100 %% of the work "
                                "orders."),
    "return_visits.unknown_round": N_("There is no such round of return visits."),
    "return_visits.unknown_visit": N_("There is no such return visit."),
    "return_visits.deadline_past": N_("The new deadline must be later than now."),
    "return_visits.deadline_needed": N_("Give the new deadline."),
    "return_visits.nothing_open": N_("Every visit is finished, so more time changes nothing: "
                                     "close the round and say why it fell short."),
    "return_visits.reason_needed": N_("Say why the round fell short."),
    "return_visits.first_attempt": N_("Record when you first tried to reach the owner."),
    "return_visits.attempt_gap": N_("Record the attempts in order, without a gap."),
    "return_visits.attempt_order": N_("Each attempt comes after the one before."),
    "return_visits.after_reached": N_("The owner was reached at an earlier attempt; leave the "
                                      "later ones empty."),
    "return_visits.rate": N_("The owner was reached: record how satisfied they are."),
    "return_visits.try_again": N_("The owner was not reached yet: save a draft and try again, "
                                  "or record %(attempts)s attempts."),
    "return_visits.no_rating": N_("The owner was not reached, so there is no rating to "
                                  "record."),
    "return_visits.remarks_needed": N_("Write down what the owner is dissatisfied with."),
    "return_visits.method": N_("Choose how the visit was made."),
    "return_visits.own_order": N_("You handled this work order; someone else visits the owner "
                                  "about it."),
    "return_visits.deadline_day": N_("The deadline is a day between 1 and %(last)s of the "
                                     "month."),
    # Community activities on traditional festivals (engine.activities).
    "activities.unknown": N_("There is no such community activity."),
    "activities.wrong_state": N_("This step of the activity was done already, or its turn has "
                                 "not come yet."),
    "activities.festival": N_("Choose a festival from the list, or no festival."),
    "activities.amount": N_("Give an amount of 0 or more."),
    "activities.target_group": N_("Choose whom the activity is for."),
    "activities.held_figures": N_("Give the head count and the amount spent, each 0 or more."),
    "activities.time_zone": N_("Give the time with its time zone."),
    "activities.sign_ups_closed": N_("Sign-ups for %(title)s are not open."),
    "activities.unit_signed_up": N_("Unit %(unit)s has signed up for %(title)s already; a "
                                    "household signs up once, with all its people."),
    "activities.full": N_("%(title)s has %(left)s places left, fewer than the %(people)s asked "
                          "for."),
    "activities.name": N_("Give a name of up to 100 characters."),
    "activities.unit": N_("Give the unit, e.g. A-1203."),
    "activities.phone": N_("Give a phone number in digits."),
    "activities.people": N_("One sign-up brings between 1 and %(most)s people."),
    "activities.note_needed": N_("Say what to change in the plan."),
    "activities.close_after_start": N_("Sign-ups close no later than the activity starts "
                                       "(%(starts_at)s)."),
}


def render_problem(code: str, params: Mapping[str, object]) -> str | None:
    """The words of ``code`` in the reader's language, or None for a code not in the catalog."""
    template = CATALOG.get(code)
    if template is None:
        return None
    try:
        # Formatted here even without parameters, so a missing one is caught, never shown raw.
        return gettext(template) % {key: _shown(value) for key, value in params.items()}
    except (KeyError, TypeError, ValueError):  # a parameter missing: the English still says it
        return None


def problem_text(error: LiaisonError) -> str:
    """What a person reads for ``error``: its code's words, else the engine's message."""
    return render_problem(error.message_code, error.params) or error.message


def worded(error: FieldError) -> str:
    """What a person reads for a field error: its code's words, else the engine's message."""
    return render_problem(error.code, error.params) or error.message


def _shown(value: object) -> object:
    if isinstance(value, Mapping) and "code" in value:  # a phrase inside the message
        return render_problem(str(value["code"]), value.get("params") or {}) or ""
    if isinstance(value, list):
        return ("、" if reads_chinese() else ", ").join(str(_shown(item)) for item in value)
    if isinstance(value, datetime):
        return local_time(value)
    if isinstance(value, date):
        return format_date(value, "yyyy-MM-dd")
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return value


def init_app(app: Flask) -> None:
    app.add_template_global(render_problem, "render_problem")
