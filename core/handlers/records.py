"""Work records and credentials, as the bus runs them: milestones checked after an approval
or once ratings show; sharing and privacy choices as commands."""

from __future__ import annotations

from core.config import Settings
from core.credentials.awards import award_milestones
from core.credentials.sharing import (
    name_business_in_records,
    share_record,
    show_earnings_on_record,
    stop_sharing_record,
)
from core.events import DeliveryApproved, RatingsShown
from core.files import FileStore
from core.models import WorkItem
from core.uow import UnitOfWork

__all__ = [
    "milestones_after",
    "name_business_in_records",
    "share_record",
    "show_earnings_on_record",
    "stop_sharing_record",
]


async def milestones_after(
    event: DeliveryApproved | RatingsShown, uow: UnitOfWork, settings: Settings, files: FileStore
) -> None:
    """Any work milestone the item's parent has now reached, issued as a credential. Safe to
    run again: each milestone is issued once, and a later approval catches up on a missed one."""
    item = await uow.session.get(WorkItem, event.work_id)
    if item is None or item.assignee_member_id is None:
        return
    await award_milestones(uow, settings, files, item.assignee_member_id, item.community_id)
