"""The council office's work on meetings: the state rule (state), planning and cancelling (planning), the
agenda (agenda), the invitation with the legal invitation period (invitation), and attendance, results and
votes, minutes and publishing (proceedings). Every write locks the meeting and records an audit row."""

from .agenda import agenda, agenda_item_add, agenda_item_move, agenda_item_remove, agenda_item_update, agenda_reorder
from .invitation import (
    InvitationPlan,
    addressed,
    invitation_deadline,
    invitation_late,
    invitation_plan,
    invitees,
    mail_address,
    meeting_invite,
    members_on_day,
    voters,
)
from .planning import meeting_cancel, meeting_create, meeting_delete, meeting_update
from .proceedings import agenda_item_result, attendance_record, meeting_publish, minutes_upload, unrecorded_public_items
from .state import BERLIN, TRANSITIONS, Rule, allowed, meeting_day, refusal, transition

__all__ = [
    "BERLIN",
    "TRANSITIONS",
    "InvitationPlan",
    "Rule",
    "addressed",
    "agenda",
    "agenda_item_add",
    "agenda_item_move",
    "agenda_item_remove",
    "agenda_item_result",
    "agenda_item_update",
    "agenda_reorder",
    "allowed",
    "attendance_record",
    "invitation_deadline",
    "invitation_late",
    "invitation_plan",
    "invitees",
    "mail_address",
    "meeting_cancel",
    "meeting_create",
    "meeting_day",
    "meeting_delete",
    "meeting_invite",
    "meeting_publish",
    "meeting_update",
    "members_on_day",
    "minutes_upload",
    "refusal",
    "transition",
    "unrecorded_public_items",
    "voters",
]
