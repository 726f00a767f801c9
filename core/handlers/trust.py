"""Blocks between a business and a parent, reports to the moderators, questions to everyone."""

from __future__ import annotations

from sqlalchemy import delete, select

from core import communities
from core.audit import audit_entry
from core.commands import AskCommunity, BlockOtherSide, ReportMessage
from core.errors import DomainError, NotAllowed, NotFound
from core.handlers.common import member_of
from core.language import _
from core.language.people import speaking_to
from core.models import Block, Business, Offer, WorkItem
from core.notices import HELP, MODERATORS, Notice
from core.uow import UnitOfWork


async def block_other_side(cmd: BlockOtherSide, uow: UnitOfWork) -> str:
    item = await uow.session.get(WorkItem, cmd.work_id)
    if item is None:
        raise NotFound(
            _("There is no item #{work_id}; check the number in its message.", work_id=cmd.work_id)
        )
    business = await uow.session.get_one(Business, item.business_id)
    if business.owner_member_id == cmd.actor.member_id:
        if item.assignee_member_id is None:
            raise NotFound(
                _(
                    'Nobody has taken "{title}" (#{id}), so there is nobody to block yet.',
                    title=item.title,
                    id=item.id,
                )
            )
        parent_id, side = item.assignee_member_id, "business"
        whom = _("the parent who took #{id}", id=item.id)
    else:
        offered = await uow.session.scalar(
            select(Offer.id).where(Offer.work_id == item.id, Offer.member_id == cmd.actor.member_id)
        )
        if offered is None:
            raise NotAllowed(
                _("You can block the other side only of an item you posted or were offered.")
            )
        parent_id, side, whom = cmd.actor.member_id, "parent", business.name
    key = {"business_id": business.id, "member_id": parent_id, "blocked_by": side}
    existing = await uow.session.get(Block, key)
    if cmd.undo:
        if existing is None:
            return _("{whom} wasn't blocked, so nothing changed.", whom=whom.capitalize())
        await uow.session.execute(
            delete(Block).where(*(getattr(Block, k) == v for k, v in key.items()))
        )
        return _("Unblocked: {whom} can be matched with you again.", whom=whom)
    if existing is not None:
        return _(
            "{whom} is already blocked. /unblock {id} undoes it.",
            whom=whom.capitalize(),
            id=item.id,
        )
    uow.session.add(Block(**key, created_at=uow.now()))
    return _(
        "Done: you won't be matched with {whom} again. Type /unblock {id} to undo it.",
        whom=whom,
        id=item.id,
    )


async def report_message(cmd: ReportMessage, uow: UnitOfWork) -> str:
    reporter = await member_of(uow, cmd.actor)
    async with speaking_to(uow, MODERATORS, cmd.actor.community_id):
        if cmd.actor.community_id is None:
            raise DomainError(
                _(
                    "You take part in several communities; type /report in the group or server where it happened, so its moderators see it."
                )
            )
        quoted = _('\nThe message: "{quoted}"', quoted=cmd.quoted[:1500]) if cmd.quoted else ""
        where = _("\nWhere: {where}", where=cmd.where) if cmd.where else ""
        await uow.notify(
            Notice(
                to=MODERATORS,
                community_id=cmd.actor.community_id,
                text=_(
                    "Report from {display_name} (member #{id}): {reason}{quoted}{where}",
                    display_name=reporter.display_name,
                    id=reporter.id,
                    reason=cmd.reason,
                    quoted=quoted,
                    where=where,
                ),
            )
        )
    uow.session.add(audit_entry(cmd, uow.now(), action="Report"))
    return _("Thank you. The moderators have your report and will look into it.")


async def ask_community(cmd: AskCommunity, uow: UnitOfWork) -> str:
    asker = await member_of(uow, cmd.actor)
    community_id = cmd.actor.community_id
    if community_id is None:
        raise DomainError(_("Type /ask in your community's group or server, so it reaches them."))
    await communities.ensure_taking_part(uow, community_id, asker.id)
    async with speaking_to(uow, HELP, community_id):  # the community's language
        notice = Notice(
            to=HELP,
            community_id=community_id,
            text=_(
                "{choice} asks: {question}\nReplies here help everyone.",
                choice=_("A parent (anonymous)") if cmd.anonymous else asker.display_name,
                question=cmd.question,
            ),
        )
    if not await uow.community_channels(notice):
        raise DomainError(_("This community has no help channel yet; ask a moderator to set one."))
    await uow.notify(notice)
    how = _(" without your name") if cmd.anonymous else ""
    return _(
        "Posted your question in the community's help channel{how}. Answers appear there.", how=how
    )
