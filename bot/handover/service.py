"""The advisor queue as one object: the engine's ticket sink, the console's actions, the worker's jobs.

new -> claimed -> answered -> closed, and besides: claimed -> needs_info (a question
back to the asker), transfer to another team or advisor, release, and reopened
when the asker writes again. Every change is one transaction.

Each job is its own part, on the same database, policy and clock:
- ``Intake`` (intake.py): hand-overs in, joining and reopening, the asker's follow-ups and feedback,
  recovering interrupted questions;
- ``AdvisorActions`` (actions.py): claim, reply, release, transfer, close, the queues and their counts;
- ``Housekeeping`` (housekeeping.py): reminders, closing stale tickets, retention, export and erasure.
The worker uses the parts it needs; everything else takes the whole ``QueueService``.
"""
from __future__ import annotations

from .actions import KIND_NL, QUEUES, STATUS_NL, AdvisorActions, PersonalDataInReply, personal_data_kinds
from .housekeeping import Housekeeping
from .intake import RETRY_WINDOW, Intake
from .policy import QueuePolicy, TicketError, is_overdue


class QueueService(Intake, AdvisorActions, Housekeeping):
    """All parts in one object (the parts share no method names): ``QueueService(db, policy, clock)``."""


__all__ = ["QueueService", "QueuePolicy", "Intake", "AdvisorActions", "Housekeeping", "TicketError",
           "PersonalDataInReply", "QUEUES", "STATUS_NL", "KIND_NL", "RETRY_WINDOW", "is_overdue",
           "personal_data_kinds"]
