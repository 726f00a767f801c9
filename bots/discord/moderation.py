"""Moderators' slash commands: the configured role or Manage Server, checked with Discord."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bots.discord.common import brain_of, respond
from core import commands as c
from core import views
from core.actors import Actor
from core.audit import audit_view
from core.owed import money_owed
from core.parsing import parse_number

if TYPE_CHECKING:
    from bots.discord.bot import ParentBrainBot


class Moderation(commands.Cog):
    def __init__(self, bot: ParentBrainBot) -> None:
        self.bot = bot

    async def _run(self, interaction: discord.Interaction[Any], act: Any) -> None:
        await respond(interaction, act, check_moderator=True)

    async def _view(self, interaction: discord.Interaction[Any], view: Any) -> None:
        async def act(actor: Actor) -> Any:
            async with brain_of(interaction).uow() as uow:
                return await view(uow, actor)

        await self._run(interaction, act)

    @app_commands.command(description="Moderators: a business's payment arrived")
    @app_commands.describe(item="the work item's number", reference="the bank reference")
    async def funded(
        self, interaction: discord.Interaction[Any], item: str, reference: str = ""
    ) -> None:
        await self._run(
            interaction,
            lambda a: brain_of(interaction).handle(
                c.ConfirmFunding(
                    actor=a, work_id=parse_number(item, "item", "/funded 12"), reference=reference
                )
            ),
        )

    @app_commands.command(description="Moderators: a business's refund was sent by hand")
    @app_commands.describe(item="the work item's number", reference="the bank reference")
    async def refunded(
        self, interaction: discord.Interaction[Any], item: str, reference: str = ""
    ) -> None:
        await self._run(
            interaction,
            lambda a: brain_of(interaction).handle(
                c.ConfirmRefund(
                    actor=a,
                    work_id=parse_number(item, "item", "/refunded 12"),
                    reference=reference,
                )
            ),
        )

    @app_commands.command(description="Moderators: payouts and refunds owed")
    async def owed(self, interaction: discord.Interaction[Any]) -> None:
        await self._view(interaction, money_owed)

    @app_commands.command(description="Moderators: a parent was paid by hand")
    @app_commands.describe(payout="the payout's number", reference="the bank reference")
    async def paid(
        self, interaction: discord.Interaction[Any], payout: str, reference: str = ""
    ) -> None:
        await self._run(
            interaction,
            lambda a: brain_of(interaction).handle(
                c.ConfirmPayout(
                    actor=a,
                    payout_id=parse_number(payout, "payout", "/paid 3"),
                    reference=reference,
                )
            ),
        )

    @app_commands.command(description="Moderators: verify a business")
    @app_commands.describe(business="the business's number")
    async def verify(self, interaction: discord.Interaction[Any], business: str) -> None:
        await self._run(
            interaction,
            lambda a: brain_of(interaction).handle(
                c.VerifyBusiness(
                    actor=a, business_id=parse_number(business, "business", "/verify 4")
                )
            ),
        )

    @app_commands.command(description="Moderators: how the community is doing")
    async def stats(self, interaction: discord.Interaction[Any]) -> None:
        await self._view(interaction, views.stats)

    @app_commands.command(description="Moderators: latest actions, reports and money movements")
    async def audit(self, interaction: discord.Interaction[Any]) -> None:
        await self._view(interaction, audit_view)

    @app_commands.command(description="Moderators: open disputes")
    async def disputes(self, interaction: discord.Interaction[Any]) -> None:
        await self._view(interaction, views.disputes)

    @app_commands.command(description="Moderators: decide a dispute")
    @app_commands.describe(
        item="the work item's number",
        decision="who it is decided for",
        amount="for a split: the parent's part, like £10",
    )
    async def resolve(
        self,
        interaction: discord.Interaction[Any],
        item: str,
        decision: Literal["pay", "refund", "split"],
        amount: str = "",
    ) -> None:
        await self._run(
            interaction,
            lambda a: brain_of(interaction).handle(
                c.ResolveDispute(
                    actor=a,
                    work_id=parse_number(item, "item", "/resolve 12"),
                    outcome=decision,
                    parent_amount=amount,
                )
            ),
        )

    @app_commands.command(description="Moderators: suspend a member")
    @app_commands.describe(
        member="who", duration="like 7d (empty: until lifted)", reason="told to them"
    )
    async def ban(
        self,
        interaction: discord.Interaction[Any],
        member: discord.User,
        duration: str = "",
        reason: str = "",
    ) -> None:
        await self._run(
            interaction,
            lambda a: brain_of(interaction).handle(
                c.BanMember(
                    actor=a,
                    platform="discord",
                    who=str(member.id),
                    duration=duration,
                    reason=reason,
                )
            ),
        )

    @app_commands.command(description="Moderators: lift a suspension")
    @app_commands.describe(member="who")
    async def unban(self, interaction: discord.Interaction[Any], member: discord.User) -> None:
        await self._run(
            interaction,
            lambda a: brain_of(interaction).handle(
                c.UnbanMember(actor=a, platform="discord", who=str(member.id))
            ),
        )
