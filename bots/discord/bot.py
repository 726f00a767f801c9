"""The Discord bot: a commands.Bot given its dependencies, its outbox messenger, and lifecycle."""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections import deque
from typing import Any

import discord
from aiohttp import web
from cachetools import TTLCache
from discord import app_commands
from discord.ext import commands

from bots.app import ParentBrain
from bots.discord.business import Businesses
from bots.discord.buttons import TokenButton
from bots.discord.catalogue import carried_out_by_core, place
from bots.discord.common import ADMIN_CACHE_SECONDS, DMS_CLOSED, moderates_on_discord
from bots.discord.communities import CommunitySetup
from bots.discord.deliveries import uploads
from bots.discord.language import CatalogueTranslator, SpeakingTree
from bots.discord.moderation import Moderation
from bots.discord.parents import Parents
from bots.discord.render import split_text, view_for
from bots.discord.trust import Trust
from bots.turns import PersonTurns
from core import commands as c
from core import communities
from core.actors import Actor
from core.answers import sorry
from core.catalogue import Place, all_commands, runnable
from core.commands import SetReachable
from core.config import Settings
from core.files import FileStore
from core.language import N_, _
from core.notices import Notice
from core.ports import Messenger, RecipientUnreachable, RetryLater

log = logging.getLogger(__name__)
DMS_CLOSED_CODE = 50007
UNANSWERED_AFTER_SECONDS = 2.0  # Discord allows 3 s for the first answer
OUT_OF_DATE = N_("This button is out of date. Type /help to see what you can do now.")
FORM_OUT_OF_DATE = N_("This form is out of date; please start again with the command.")


# GUILDS (not privileged) fills discord.py's copy of the server: its roles and channels.
# Nothing here reads message content or the member list, so no privileged intent is asked.
def intents_for(settings: Settings) -> discord.Intents:
    """GUILDS; and GUILD_MEMBERS (privileged: switch it on in the developer portal first)
    when the operator wants people who leave a server to stop getting its offers at once.
    Without it, membership is checked whenever someone acts."""
    intents = discord.Intents.none()
    intents.guilds = True
    intents.members = settings.discord_members_intent
    return intents


class ParentBrainBot(commands.Bot):
    def __init__(
        self, brain: ParentBrain, settings: Settings, *, guild_ready_timeout: float = 2.0
    ) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents_for(settings),
            # Never download whole member lists: communities are large, and membership is
            # asked per person when they act (or told by GUILD_MEMBER_REMOVE).
            chunk_guilds_at_startup=False,
            help_command=None,
            guild_ready_timeout=guild_ready_timeout,  # how long READY waits for GUILD_CREATE
            tree_cls=SpeakingTree,  # every command answered in its person's language
        )
        self.brain = brain
        self.settings = settings
        # Who is a moderator, when read over REST (from a DM): bounded, and for five minutes.
        # (server, user) -> (member, moderator), when read over REST from a DM.
        self.moderator_cache: TTLCache[tuple[int, int], tuple[bool, bool]] = TTLCache(
            maxsize=100_000, ttl=ADMIN_CACHE_SECONDS
        )
        # People whose DMs took a message lately: they are told where offers arrive once.
        self.dms_confirmed: TTLCache[int, bool] = TTLCache(maxsize=100_000, ttl=24 * 3600)
        self.fetched_servers: TTLCache[int, discord.Guild] = TTLCache(
            maxsize=10_000, ttl=ADMIN_CACHE_SECONDS
        )
        self.turns = PersonTurns()  # each person's interactions handled in the order they came
        self.errors: deque[BaseException] = deque(maxlen=20)  # the latest, for tests and triage

    async def setup_hook(self) -> None:
        """Persistent buttons first, so presses on old messages work; then the commands."""
        self.add_dynamic_items(TokenButton)
        cogs = (
            Parents(self),
            Businesses(self),
            Moderation(self),
            CommunitySetup(self),
            Trust(self),
        )
        for cog in cogs:
            await self.add_cog(cog)
        # Everything core carries out by itself, in the server or (a secret) in a DM only.
        chat = {e.name: e for e in [*runnable(Place.GROUP), *runnable(Place.PRIVATE)]}
        for entry in chat.values():
            self.tree.add_command(carried_out_by_core(entry))
        for command in self.tree.get_commands():
            if isinstance(command, app_commands.Command):
                place(command)
        missing = {e.name for e in all_commands()} - {cmd.name for cmd in self.tree.get_commands()}
        assert not missing, f"catalogue commands Discord doesn't offer: {missing}"
        # Global commands, so that parents can type /submit in the DM where their offer sits;
        # described in each shipped language, from the catalogues.
        await self.tree.set_translator(CatalogueTranslator())
        await self.tree.sync()
        if self.settings.discord_guild_id is not None:
            # Older builds synced copies to the server; an empty set removes them.
            await self.tree.sync(guild=discord.Object(id=self.settings.discord_guild_id))
        self.tree.on_error = self.on_tree_error  # type: ignore[method-assign]

    async def on_raw_member_remove(self, payload: discord.RawMemberRemoveEvent) -> None:
        """Someone left or was removed from a server (needs the members intent, see
        PARENTBRAIN_DISCORD_MEMBERS_INTENT): their offers in its community stop."""
        self.moderator_cache.pop((payload.guild_id, payload.user.id), None)
        async with self.brain.uow() as uow:
            found = await communities.find_by_chat(uow, "discord", payload.guild_id)
        if found is not None:
            await self.brain.handle(
                c.LeaveCommunity(
                    platform="discord", external_id=str(payload.user.id), community_id=found.id
                )
            )

    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        """Every press and form gets an answer: one nothing here knows is out of date."""
        if interaction.type is discord.InteractionType.component:
            data: dict[str, Any] = dict(interaction.data or {})
            custom_id = str(data.get("custom_id", ""))
            if TokenButton.__discord_ui_compiled_template__.fullmatch(custom_id) is None:
                await interaction.response.send_message(_(OUT_OF_DATE), ephemeral=True)
        elif interaction.type is discord.InteractionType.modal_submit:
            # A form shown before a restart has no handler left; its submission would
            # otherwise hang until Discord says "This interaction failed".
            deadline = time.monotonic() + UNANSWERED_AFTER_SECONDS
            while time.monotonic() < deadline:
                await asyncio.sleep(0.02)
                if interaction.response.is_done():
                    return
            await interaction.response.send_message(_(FORM_OUT_OF_DATE), ephemeral=True)

    async def on_tree_error(
        self, interaction: discord.Interaction[Any], error: discord.app_commands.AppCommandError
    ) -> None:
        error_id = secrets.token_hex(4)
        log.error(
            "slash command failed (error %s, user %s)",
            error_id,
            interaction.user.id,
            exc_info=error,
        )
        self.errors.append(error)
        if interaction.response.is_done():
            await interaction.followup.send(sorry(error_id), ephemeral=True)
        else:
            await interaction.response.send_message(sorry(error_id), ephemeral=True)

    async def check_dms(self, interaction: discord.Interaction[Any], actor: Actor) -> None:
        """After /available in the server: can offers reach this person by DM? Tell them if
        not; say where offers arrive once, not on every /available."""
        if interaction.user.id in self.dms_confirmed:
            return
        try:
            await interaction.user.send(_("You'll get offers here, in our direct messages."))
        except discord.Forbidden as err:
            if err.code != DMS_CLOSED_CODE:
                raise
            await self.brain.handle(SetReachable(actor=actor, reachable=False))
            await interaction.followup.send(_(DMS_CLOSED), ephemeral=True)
        else:
            self.dms_confirmed[interaction.user.id] = True
            await self.brain.handle(SetReachable(actor=actor, reachable=True))


class DiscordMessenger:
    """Sends and edits DMs; discord.py keeps Discord's rate limits itself."""

    platform = "discord"

    def __init__(
        self,
        bot: discord.Client,
        moderator_channel: int | None = None,
        help_channel: int | None = None,
        files: FileStore | None = None,
    ) -> None:
        self.bot = bot
        self.files = files
        self.moderator_channel = moderator_channel
        self.help_channel = help_channel

    def spacing(self, address: str) -> float:
        """discord.py keeps Discord's per-route buckets itself; nothing to add here."""
        return 0.0

    async def deliver(self, address: str, notice: Notice, edit: str | None) -> str:
        try:
            channel = await self._channel(address)
            if edit is not None:
                try:
                    await channel.get_partial_message(int(edit)).edit(
                        content=split_text(notice.text)[0], view=view_for(notice.actions)
                    )
                    return edit
                except discord.NotFound:
                    pass  # the old message is gone: send a new one instead
            text = notice.text
            if notice.files:  # the files first, so the buttons end up below them
                attached, left_out = await uploads(notice.files, self.files)
                if attached:
                    await channel.send(files=attached)
                text = "\n".join([text, *left_out])
            pieces = split_text(text)
            sent: discord.Message | None = None
            for n, piece in enumerate(pieces):
                view = view_for(notice.actions) if n == len(pieces) - 1 else None
                sent = await channel.send(piece, view=view) if view else await channel.send(piece)
            assert sent is not None
            return str(sent.id)
        except discord.Forbidden as err:
            if err.code == DMS_CLOSED_CODE:
                raise RecipientUnreachable("DMs closed (50007)") from err
            raise
        except discord.HTTPException as err:
            if err.status == 429:
                if isinstance(self.bot, ParentBrainBot):
                    self.bot.brain.meter.saw_rate_limit("discord")
                raise RetryLater(5) from err
            raise

    async def _channel(self, address: str) -> discord.DMChannel | discord.TextChannel:
        if address.startswith("channel:"):  # a community's moderators' or help channel
            wanted = int(address.removeprefix("channel:"))
            channel = self.bot.get_channel(wanted) or await self.bot.fetch_channel(wanted)
            if not isinstance(channel, discord.TextChannel):
                raise RecipientUnreachable(f"channel {wanted} is not a text channel")
            return channel
        if address in ("moderators", "help"):
            channel_id, setting = (
                (self.moderator_channel, "MODERATOR_CHANNEL_ID")
                if address == "moderators"
                else (self.help_channel, "HELP_CHANNEL_ID")
            )
            if channel_id is None:
                raise RecipientUnreachable(f"PARENTBRAIN_DISCORD_{setting} is not set")
            found = self.bot.get_channel(channel_id) or await self.bot.fetch_channel(channel_id)
            assert isinstance(found, discord.TextChannel)
            return found
        user = self.bot.get_user(int(address)) or await self.bot.fetch_user(int(address))
        return user.dm_channel or await user.create_dm()


class DiscordAdapter:
    def __init__(self, settings: Settings, brain: ParentBrain) -> None:
        if settings.discord_api_url:
            discord.http.Route.BASE = settings.discord_api_url.rstrip("/")
        self.settings = settings
        self.bot = ParentBrainBot(brain, settings)
        self.messenger: Messenger = DiscordMessenger(
            self.bot,
            settings.discord_moderator_channel_id,
            settings.discord_help_channel_id,
            files=brain.files,
        )
        self._gateway: asyncio.Task[None] | None = None

    def routes(self) -> list[web.RouteDef]:
        return []

    async def moderates(self, external_id: str, community_id: int) -> bool | None:
        """Whether Discord says this person moderates the community's server (for the web)."""
        return await moderates_on_discord(self.bot, external_id, community_id)

    async def unreachable_because(self, external_id: str) -> str | None:
        """Discord can't tell without sending a message; /available in the server checks by
        sending one (check_dms), and a DM that fails stops the offers."""
        return None

    def worth_retrying(self, error: Exception) -> bool:
        """Discord unreachable: yes. The token rejected: no."""
        return not isinstance(error, discord.LoginFailure)

    async def start(self) -> None:
        assert self.settings.discord_token is not None
        await self.bot.login(self.settings.discord_token.get_secret_value())
        self._gateway = asyncio.create_task(self.bot.connect(reconnect=True))

    def connected(self) -> bool:
        return self.bot.is_ready() and not self.bot.is_closed()

    async def stop(self) -> None:
        await self.bot.close()
        if self._gateway is not None:
            self._gateway.cancel()
