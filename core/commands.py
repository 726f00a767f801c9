"""What people ask for. Adapters build these from what was typed or pressed; the bus runs them.

Free text that needs a member's timezone or the skill list (windows, money, deadlines) is
carried as typed and read by the handler, so both platforms read it the same way.
"""

from __future__ import annotations

from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

from core.actors import Actor
from core.errors import NotFound
from core.files import FILES_PER_DELIVERY, FileRef
from core.language import _
from core.parsing import LARGEST_ID, without_control_characters


class Command(BaseModel):
    model_config = ConfigDict(frozen=True, str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _no_control_characters(cls, fields: Any) -> Any:
        if not isinstance(fields, dict):
            return fields
        return {
            name: without_control_characters(value) if isinstance(value, str) else value
            for name, value in fields.items()
        }

    @model_validator(mode="after")
    def _ids_the_store_can_hold(self) -> Self:
        """An id no row can have (a 20-digit option, a forged button) is "not found", not a
        database error."""
        for name, value in self:
            if name.endswith("_id") and isinstance(value, int) and not 0 < value <= LARGEST_ID:
                what = {"work": "item"}.get(name[:-3], name[:-3].replace("_", " "))
                raise NotFound(_("There is no {what} #{number}.", what=_(what), number=value))
        return self


class RegisterAccount(Command):
    """Find or create the member behind a platform account; returns their Actor."""

    platform: str = Field(min_length=1, max_length=20)
    external_id: str = Field(min_length=1, max_length=64)
    display_name: str = Field(min_length=1, max_length=100)
    handle: str | None = None
    platform_says_moderator: bool = False  # of `community_id`, asked of the platform
    dm_open: bool | None = None  # True when they wrote to the bot directly; None when unknown
    # The community whose group or server they act in (or were sent from, in a DM), and
    # whether the platform says they belong to it: None when the adapter didn't ask.
    community_id: int | None = None
    platform_says_member: bool | None = None
    # What the platform says their language is (Telegram's language_code, Discord's locale,
    # the browser's Accept-Language), remembered for the notices they are sent.
    platform_language: str | None = Field(default=None, max_length=35)
    # False for a browser's: it stands for the chat app's only until the chat app has said.
    remember_language: bool = True


class SetUpCommunity(Command):
    """/setup in a group or server: it becomes a community, with the caller as its founder."""

    actor: Actor
    platform: str = Field(min_length=1, max_length=20)
    # Platform ids aren't ours (negative groups, 64-bit snowflakes): not named *_id.
    chat: int  # the Telegram group or the Discord server
    title: str = Field(min_length=1, max_length=120)
    platform_says_admin: bool = False
    moderator_chat: int | None = None  # Discord: the channel given to /setup
    help_chat: int | None = None


class SetCommunityChat(Command):
    """A community's moderators' or help chat, named from that chat (Telegram) or by option."""

    actor: Actor
    purpose: str = Field(pattern="^(moderators|help)$")
    platform: str
    chat: int
    community_id: int  # the community it serves
    # The platform says the actor administers that community's group or server (they may be
    # typing in another chat, so their Actor's community is not necessarily this one).
    platform_says_admin: bool = False


class ChangeCommunitySetting(Command):
    actor: Actor
    name: str = Field(default="", max_length=40)  # empty: show them all
    value: str = Field(default="", max_length=300)


class LeaveCommunity(Command):
    """The platform says someone left or was removed from a community's group or server."""

    platform: str
    external_id: str = Field(min_length=1, max_length=64)
    community_id: int


class StartLink(Command):
    actor: Actor


class CompleteLink(Command):
    actor: Actor
    code: str = Field(max_length=40)


class SetSkills(Command):
    actor: Actor
    skills: str = Field(max_length=500)  # "proofreading:expert, design"
    years: int | None = Field(default=None, ge=0, le=60)


class UpdateProfile(Command):
    actor: Actor
    timezone: str | None = None
    rate_floor: str | None = None  # "£15" per hour
    quiet_hours: str | None = None  # "22:00-07:00" or "none"
    max_jobs: int | None = Field(default=None, ge=1, le=5)
    bio: str | None = Field(default=None, max_length=500)
    preferred: str | None = Field(default=None, max_length=300)


class GoAvailable(Command):
    actor: Actor
    window: str = Field(default="", max_length=60)  # "", "2h", "until 15:00", "tonight"
    skills: str = Field(default="", max_length=300)


class GoUnavailable(Command):
    actor: Actor


class ChooseLanguage(Command):
    """/language es: what they read from now on; "auto" goes back to their app's language."""

    actor: Actor
    language: str = Field(default="", max_length=20)


class AddWeeklyWindow(Command):
    actor: Actor
    spec: str = Field(max_length=80)  # "weekdays 20:00-22:00"


class ClearSchedule(Command):
    actor: Actor


class RegisterBusiness(Command):
    actor: Actor
    name: str = Field(min_length=2, max_length=120)
    contact: str = Field(min_length=3, max_length=200)


class VerifyBusiness(Command):
    actor: Actor
    business_id: int


class RejectBusiness(Command):
    """A moderator turns a business away, with a reason they are sent."""

    actor: Actor
    business_id: int
    reason: str = Field(min_length=3, max_length=500)


class PostWork(Command):
    actor: Actor
    title: str = Field(min_length=3, max_length=120)
    description: str = Field(min_length=3, max_length=4000)
    skills: str = Field(min_length=1, max_length=300)  # "proofreading:expert, design"
    budget: str = Field(min_length=1, max_length=30)  # "£25"
    estimate: str = Field(min_length=1, max_length=30)  # "45m"
    deadline: str = Field(min_length=1, max_length=40)  # "tomorrow 17:00"
    urgent: bool = False


class CancelWork(Command):
    actor: Actor
    work_id: int


class PostProject(Command):
    """Larger work in two to ten milestones, one per line: what is delivered | amount | due."""

    actor: Actor
    title: str = Field(min_length=3, max_length=120)
    description: str = Field(min_length=3, max_length=4000)
    skills: str = Field(min_length=1, max_length=300)
    estimate: str = Field(min_length=1, max_length=30)  # each milestone's work, roughly
    milestones: str = Field(min_length=1, max_length=3000)


class CheckProjectField(Command):
    """Check one field of a project while the business is still typing it."""

    actor: Actor
    field: str
    value: str = Field(max_length=4000)


class CancelProject(Command):
    """Refund funded milestones not yet delivered, drop unfunded ones; approved stay paid."""

    actor: Actor
    project_id: int


class ReofferProject(Command):
    """The parent left: offer the milestones not yet delivered to another parent."""

    actor: Actor
    project_id: int


class RouteWork(Command):
    """Offer an open item to the next parents, or expire it at its deadline."""

    work_id: int


class AskSpare(Command):
    """Ask one more parent, those asked first not having taken the item yet (core/spares.py)."""

    work_id: int


class AcceptOffer(Command):
    actor: Actor
    offer_id: int


class DeclineOffer(Command):
    actor: Actor
    offer_id: int


class MoveOffersOn(Command):
    """The member can't be reached (blocked the bot, DMs closed): their offers go to others."""

    member_id: int


class ExpireOffer(Command):
    offer_id: int


class SubmitDelivery(Command):
    actor: Actor
    work_id: int
    body: str = Field(default="", max_length=4000)
    files: list[FileRef] = Field(default_factory=list, max_length=FILES_PER_DELIVERY)

    @model_validator(mode="after")
    def _something_delivered(self) -> SubmitDelivery:
        if not self.body.strip() and not self.files:
            raise ValueError(_("send your work, a link or a file"))
        return self


class ApproveDelivery(Command):
    actor: Actor
    work_id: int


class RequestChanges(Command):
    actor: Actor
    work_id: int
    note: str = Field(min_length=3, max_length=1000)


class OpenDispute(Command):
    actor: Actor
    work_id: int
    reason: str = Field(min_length=3, max_length=1000)


class RateWork(Command):
    actor: Actor
    work_id: int
    stars: int = Field(ge=1, le=5)
    comment: str = Field(default="", max_length=500)


class ConfirmFunding(Command):
    """Money for an item arrived (a moderator in offline mode, or a verified webhook)."""

    actor: Actor
    work_id: int
    reference: str = Field(default="", max_length=100)
    charge: str = Field(
        default="", max_length=100
    )  # the gateway's charge, for transfers and refunds


class ConfirmPayout(Command):
    actor: Actor
    payout_id: int
    reference: str = Field(default="", max_length=100)


class ConfirmRefund(Command):
    """A moderator sent a business's refund by hand (offline gateway)."""

    actor: Actor
    work_id: int
    reference: str = Field(default="", max_length=100)


class SetPayoutDetails(Command):
    """A parent says where the moderators should pay them (offline gateway); empty erases."""

    actor: Actor
    details: SecretStr = Field(max_length=300)  # bank details: kept out of logs and reprs


class AddSkill(Command):
    """An operator or moderator extends the taxonomy."""

    actor: Actor
    name: str = Field(min_length=2, max_length=80)
    aliases: list[str] = Field(default_factory=list, max_length=20)


class CheckPostField(Command):
    """Check one field of a post while the business is still typing it, step by step."""

    actor: Actor
    field: str
    value: str = Field(max_length=4000)

    @field_validator("field")
    @classmethod
    def _a_field_of_a_post(cls, name: str) -> str:
        if name not in set(PostWork.model_fields) - {"actor", "urgent"}:
            raise ValueError(_("it isn't a field of a post"))
        return name


class WidenWork(Command):
    """A business lets parents at any level of the item's skills take it."""

    actor: Actor
    work_id: int


class StartPostDialog(Command):
    """A business starts posting work one question at a time."""

    actor: Actor


class StartDialog(Command):
    """Questions kept in the store until answered: a new member's first conversation, where
    the moderators pay a parent, or the words a pressed button needs (its token)."""

    actor: Actor
    form: str = Field(pattern="^(onboarding|payoutdetails|words|project)$")
    token: str = Field(default="", max_length=40)


class AnswerDialog(Command):
    """What a person typed (or pressed, or sent as files) while a dialog waits for an answer.
    Secret, since it may be bank details: kept out of logs and reprs."""

    actor: Actor
    text: SecretStr = Field(max_length=4000)
    files: list[FileRef] = Field(default_factory=list, max_length=FILES_PER_DELIVERY)


class StopDialog(Command):
    """Leave the dialog; nothing it was building happens."""

    actor: Actor


class ResolveDispute(Command):
    """A moderator decides: pay the parent in full, refund the business, or split."""

    actor: Actor
    work_id: int
    outcome: str = Field(max_length=20)  # pay | refund | split; the handler says so if not
    parent_amount: str = Field(default="", max_length=30)  # for a split: "£10"


class BanMember(Command):
    actor: Actor
    platform: str
    who: str = Field(min_length=1, max_length=100)  # @handle or platform id
    duration: str = Field(default="", max_length=20)  # "7d"; empty means until lifted
    reason: str = Field(default="", max_length=300)


class UnbanMember(Command):
    actor: Actor
    platform: str
    who: str = Field(min_length=1, max_length=100)


class SetReachable(Command):
    """The adapter learned whether the member's DMs can be reached (a DM went through, or 50007)."""

    actor: Actor
    reachable: bool


class SetUpPayouts(Command):
    """A parent asks how to get paid (a Stripe onboarding link, or how offline payouts work)."""

    actor: Actor


class PayeeUpdated(Command):
    """The gateway says a payee account changed; `at` orders updates that arrive out of order."""

    account_ref: str = Field(max_length=100)
    ready: bool
    at: int


class CheckoutExpired(Command):
    work_id: int


class ApprovePost(Command):
    actor: Actor
    work_id: int


class RejectPost(Command):
    actor: Actor
    work_id: int
    reason: str = Field(min_length=3, max_length=500)


class BlockOtherSide(Command):
    """Keep apart, in routing from now on, the two sides of an item: the business and the parent."""

    actor: Actor
    work_id: int
    undo: bool = False


class ReportMessage(Command):
    """Anyone tells the moderators about a message or a person."""

    actor: Actor
    reason: str = Field(min_length=3, max_length=500)
    quoted: str = Field(default="", max_length=2000)  # the message, when the platform gives it
    where: str = Field(default="", max_length=300)  # a link to it, when there is one


class AskCommunity(Command):
    """/ask: a question to the community's help channel, with the asker's name or without."""

    actor: Actor
    question: str = Field(min_length=3, max_length=1000)
    anonymous: bool = False


class EndWebSessions(Command):
    """Sign out of the web everywhere: every session begun before now is over."""

    actor: Actor


class ExportMyData(Command):
    """/mydata: everything stored about the person, as JSON."""

    actor: Actor


class ForgetMe(Command):
    """/forgetme: erase the person's personal data; the ledger keeps its amounts, anonymised."""

    actor: Actor
    confirm: str = Field(default="", max_length=20)


class StartQuiz(Command):
    """/quiz <skill>: take the skill check, one question at a time, with buttons."""

    actor: Actor
    skill: str = Field(max_length=80)


class AnswerQuiz(Command):
    actor: Actor
    attempt_id: int
    question: int  # counting from 0
    option: int  # counting from 1


# Commands only moderators may give (or the system, for verified webhooks). Each is written
# to the audit log when it succeeds; tests try each one as everybody else.
MODERATOR_COMMANDS: tuple[type[Command], ...] = (
    VerifyBusiness,
    RejectBusiness,
    AddSkill,
    ApprovePost,
    RejectPost,
    BanMember,
    UnbanMember,
    ConfirmFunding,
    ConfirmPayout,
    ResolveDispute,
    SetUpCommunity,
    SetCommunityChat,
    ChangeCommunitySetting,
)


class ShareRecord(Command):
    """/record share: a public address for the parent's work record."""

    actor: Actor


class StopSharingRecord(Command):
    """/record stop: the public address stops working at once."""

    actor: Actor


class ShowEarningsOnRecord(Command):
    """/record earnings on|off: whether the work record shows what the parent earned."""

    actor: Actor
    show: bool


class NameBusinessInRecords(Command):
    """/showname on|off: whether parents' records and credentials may name the business."""

    actor: Actor
    named: bool


class ConnectLearningSite(Command):
    """/lms connect <url>: a moderator starts connecting the community's Moodle site; the
    token is asked for privately (/lmstoken)."""

    actor: Actor
    url: str = Field(min_length=1, max_length=300)


class GiveLearningToken(Command):
    """/lmstoken <token>, in private: the web-service token a /lms connect is waiting for,
    with what the site answered to it (asked before, outside any transaction)."""

    actor: Actor
    url: str = Field(max_length=300)
    token: SecretStr = Field(max_length=200)
    site_name: str = Field(max_length=200)
    functions: list[str] = Field(default_factory=list)


class DisconnectLearningSite(Command):
    actor: Actor


class MapCourse(Command):
    """/lms map <course id> <skill> [level]: the course (as the site names it) counts for the
    skill at that level."""

    actor: Actor
    course_id: int = Field(ge=1, le=10**12)
    course_name: str = Field(min_length=1, max_length=300)
    skill: str = Field(min_length=1, max_length=80)
    level: str = Field(default="", max_length=20)


class UnmapCourse(Command):
    actor: Actor
    course_id: int = Field(ge=1, le=10**12)


class LinkLearningAccount(Command):
    """/lms link <username or email>: the account found on the site and the code sent to it
    there, kept (hashed) until the parent types it back."""

    actor: Actor
    community_id: int
    user_id: int = Field(ge=1)
    username: str = Field(max_length=200)
    code: SecretStr = Field(max_length=20)


class ConfirmLearningCode(Command):
    """/lms code <code>: the code the site's message gave, proving the account is theirs."""

    actor: Actor
    code: str = Field(min_length=1, max_length=20)


class InviteToHousehold(Command):
    """/household invite @partner: they get an invitation only they can accept."""

    actor: Actor
    who: str = Field(min_length=1, max_length=100)


class AnswerHouseholdInvite(Command):
    actor: Actor
    invite_id: int
    accept: bool


class LeaveHousehold(Command):
    actor: Actor


class ChooseForHousehold(Command):
    """/household one|both, and earnings on|off: how the household plans together."""

    actor: Actor
    choice: str = Field(max_length=20)


class SetWeekNote(Command):
    """/week on|off: the week's summary every Sunday evening."""

    actor: Actor
    on: bool


class ResetCalendar(Command):
    """/calendar (a private address for the family calendar) and /calendar reset."""

    actor: Actor
    reset: bool = False
