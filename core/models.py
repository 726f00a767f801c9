"""The store's tables. Every time is stored as UTC and comes back timezone-aware."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    DDL,
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    event,
    literal_column,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from core.doorbell import NOTIFY_CHANNEL
from core.states import OfferStatus, WorkStatus


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend (SQLite drops the offset otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("refusing to store a naive datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON,
        list[str]: JSON,
        list[int]: JSON,
    }


class Member(Base):
    __tablename__ = "members"
    id: Mapped[int] = mapped_column(primary_key=True)
    display_name: Mapped[str] = mapped_column(String(100))
    roles: Mapped[list[str]] = mapped_column(default=list)
    timezone: Mapped[str] = mapped_column(String(64))
    # What they chose with /language, and what their chat app or browser last said; the
    # community's language and English come after (core/language).
    language: Mapped[str | None] = mapped_column(String(8))
    platform_language: Mapped[str | None] = mapped_column(String(8))
    bio: Mapped[str] = mapped_column(Text, default="")
    preferred_skills: Mapped[list[str]] = mapped_column(default=list)
    rate_floor_minor: Mapped[int] = mapped_column(Integer, default=0)  # per hour
    max_jobs: Mapped[int] = mapped_column(Integer, default=1)
    quiet_start: Mapped[str | None] = mapped_column(String(5))  # "HH:MM", local time
    quiet_end: Mapped[str | None] = mapped_column(String(5))
    last_platform: Mapped[str] = mapped_column(String(20))
    reachable: Mapped[bool] = mapped_column(Boolean, default=True)
    # How much higher (+) or lower (-) than others this member rates the same people
    # (core/handlers/learning.py); routing reads ratings net of it.
    rating_offset: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    created_at: Mapped[datetime]
    # Web sessions begun before this are over: signing out, /forgetme or a ban ends them all.
    web_signed_out_at: Mapped[datetime | None]


class Community(Base):
    """A Telegram group or a Discord server (or both, for a deployment that began with one of
    each) with its moderators' and help chats and its own settings.

    Rows that belong to a community carry its id and lead their indexes with it, so the
    schema can be distributed by community (see README, "Many communities").
    """

    __tablename__ = "communities"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    telegram_chat_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    telegram_moderator_chat_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    telegram_help_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    discord_guild_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    discord_moderator_channel_id: Mapped[int | None] = mapped_column(BigInteger)
    discord_help_channel_id: Mapped[int | None] = mapped_column(BigInteger)
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)  # overrides of the defaults
    created_by_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    created_at: Mapped[datetime]
    # Who could be offered work here now, as a fingerprint (core/roster.py), and a number
    # that moves on whenever it changes: an open item tried at this number waits for the next.
    roster_fingerprint: Mapped[str | None] = mapped_column(String(64))
    roster_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Membership(Base):
    """A member's place in one community, as the platform last said; a ban is per community."""

    __tablename__ = "memberships"
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True, index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)  # false: left or removed
    banned_until: Mapped[datetime | None]
    ban_reason: Mapped[str | None] = mapped_column(String(300))
    joined_at: Mapped[datetime]
    left_at: Mapped[datetime | None]


class Account(Base):
    __tablename__ = "accounts"
    __table_args__ = (UniqueConstraint("platform", "external_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    platform: Mapped[str] = mapped_column(String(20))
    external_id: Mapped[str] = mapped_column(String(64))
    handle: Mapped[str | None] = mapped_column(String(100))
    last_seen_at: Mapped[datetime]


class LinkCode(Base):
    __tablename__ = "link_codes"
    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    expires_at: Mapped[datetime]


class SkillRow(Base):
    __tablename__ = "skills"
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    aliases: Mapped[list[str]] = mapped_column(default=list)


class MemberSkill(Base):
    __tablename__ = "member_skills"
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)
    skill_code: Mapped[str] = mapped_column(ForeignKey("skills.code"), primary_key=True, index=True)
    level: Mapped[int] = mapped_column(Integer)  # 1 beginner, 2 intermediate, 3 expert
    years: Mapped[int] = mapped_column(Integer, default=0)
    verified_at: Mapped[datetime | None]  # passed the community's skill check


class Availability(Base):
    __tablename__ = "availability"
    __table_args__ = (Index("ix_availability_live", "ended_at", "until"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    starts_at: Mapped[datetime]
    until: Mapped[datetime]
    skills: Mapped[list[str]] = mapped_column(default=list)  # empty: any of the member's skills
    source: Mapped[str] = mapped_column(String(10), default="manual")  # manual | schedule
    ended_at: Mapped[datetime | None]


class OpenSkill(Base):
    """One row per skill of each open availability: routing's index of who can do what now.

    Rebuilt for a member whenever their availability or skills change. Routing still joins
    the availability row, so a row left behind by an ended availability is harmless.
    """

    __tablename__ = "open_skills"
    # Covering, so a sample reads the index alone: the community, the skill, then position,
    # level and member. One row per community the member takes part in.
    __table_args__ = (
        Index(
            "ix_open_skills_pick",
            "community_id",
            "skill_code",
            "availability_id",
            "level",
            "member_id",
        ),
    )
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), primary_key=True)
    availability_id: Mapped[int] = mapped_column(ForeignKey("availability.id"), primary_key=True)
    skill_code: Mapped[str] = mapped_column(ForeignKey("skills.code"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    level: Mapped[int] = mapped_column(Integer)


class Block(Base):
    """A business and a parent who are kept apart in routing; either side may set it."""

    __tablename__ = "blocks"
    business_id: Mapped[int] = mapped_column(ForeignKey("businesses.id"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)
    blocked_by: Mapped[str] = mapped_column(String(10), primary_key=True)  # business | parent
    created_at: Mapped[datetime]


class AuditEntry(Base):
    """A moderator's action (money movements are the ledger's own rows), or a member's report."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), index=True)
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id"), index=True)
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(Text, default="")


class QuizAttempt(Base):
    """One try at a skill check: the answers so far, and how it ended."""

    __tablename__ = "quiz_attempts"
    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    skill_code: Mapped[str] = mapped_column(ForeignKey("skills.code"))
    answers: Mapped[list[int]] = mapped_column(default=list)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    passed: Mapped[bool | None] = mapped_column(Boolean)


class WeeklyWindowRow(Base):
    __tablename__ = "weekly_windows"
    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    days: Mapped[int] = mapped_column(Integer)  # bit 0 = Monday
    start_local: Mapped[str] = mapped_column(String(5))
    end_local: Mapped[str] = mapped_column(String(5))


class Business(Base):
    __tablename__ = "businesses"
    id: Mapped[int] = mapped_column(primary_key=True)
    owner_member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    contact: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    # Whether parents' work records and credentials may name this business and its items;
    # off until the business says so (/showname on).
    named_in_records: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")


class CommunityBusiness(Base):
    """A business's standing in one community: each community's moderators decide."""

    __tablename__ = "community_businesses"
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), primary_key=True)
    business_id: Mapped[int] = mapped_column(
        ForeignKey("businesses.id"), primary_key=True, index=True
    )
    verified: Mapped[bool] = mapped_column(Boolean, default=False)
    rejected_reason: Mapped[str | None] = mapped_column(String(500))  # set: may not post
    created_at: Mapped[datetime]


class WorkItem(Base):
    __tablename__ = "work_items"
    __table_args__ = (
        Index("ix_work_items_status_deadline", "status", "deadline"),
        Index("ix_work_items_status_routed", "status", "routed_at"),
        Index("ix_work_items_community_status", "community_id", "status", "deadline"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    business_id: Mapped[int] = mapped_column(ForeignKey("businesses.id"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text)
    budget_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    fee_bps: Mapped[int] = mapped_column(Integer)  # fixed when posted
    estimated_minutes: Mapped[int] = mapped_column(Integer)
    deadline: Mapped[datetime]
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[WorkStatus] = mapped_column(String(20), default=WorkStatus.DRAFT)
    assignee_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), index=True)
    rounds: Mapped[int] = mapped_column(Integer, default=0)
    checkout_url: Mapped[str | None] = mapped_column(String(500))
    charge_ref: Mapped[str | None] = mapped_column(
        String(100)
    )  # the gateway's payment, for refunds
    created_at: Mapped[datetime]
    funded_at: Mapped[datetime | None]
    assigned_at: Mapped[datetime | None]
    # Offline payment: when the business was told how to pay, and when the moderators were
    # told it is overdue (once).
    payment_asked_at: Mapped[datetime | None]
    payment_chased_at: Mapped[datetime | None]
    # When routing last looked at it; sweeps take the longest-waiting first, so none starves.
    routed_at: Mapped[datetime | None]
    # The community's roster version it was last tried at: a sweep skips it until that moves.
    routed_version: Mapped[int | None] = mapped_column(Integer)
    # When a sweep asks one more parent, if nobody asked has taken it by then: set when those
    # asked may well not take it in time (core/handlers/spares.py).
    spare_due_at: Mapped[datetime | None] = mapped_column(index=True)
    # A milestone of a project (core/projects/): its project, and its place in it (1, 2, ...).
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"), index=True)
    milestone_no: Mapped[int | None] = mapped_column(Integer)


class UpdateTicket(Base):
    """A platform update waiting its turn behind the same person's earlier ones, when several
    processes share the store (core/person_order.py)."""

    __tablename__ = "update_tickets"
    person: Mapped[str] = mapped_column(String(40), primary_key=True)
    number: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    arrived_at: Mapped[datetime]


class Project(Base):
    """Larger work paid milestone by milestone: one parent for all of it.

    Each milestone is a work item of its own (its own payment, delivery, approval, payout and
    dispute, exactly as a single item); the project ties them to one parent. While nobody has
    it, `lead_work_id` is the milestone routing offers, standing for the whole project.
    """

    __tablename__ = "projects"
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    business_id: Mapped[int] = mapped_column(ForeignKey("businesses.id"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(20), default="open")  # open|under_way|done|cancelled
    assignee_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), index=True)
    lead_work_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]


class WorkSkill(Base):
    __tablename__ = "work_skills"
    work_id: Mapped[int] = mapped_column(ForeignKey("work_items.id"), primary_key=True)
    skill_code: Mapped[str] = mapped_column(ForeignKey("skills.code"), primary_key=True)
    min_level: Mapped[int] = mapped_column(Integer, default=1)


PENDING_TO_EXPIRE = text("status = 'pending' AND expires_at IS NOT NULL")


class Offer(Base):
    __tablename__ = "offers"
    __table_args__ = (
        UniqueConstraint("work_id", "member_id"),  # one offer per parent per item, ever
        # Capacity counts each candidate's offers awaiting an answer (routing/eligibility.py):
        # a few rows per parent in the first index. The time-out sweep reads the second, whose
        # condition names expires_at so that only a query comparing expires_at can use it:
        # with a (status, expires_at) index, or one on pending offers alone, PostgreSQL's
        # generic plan for the capacity count walked every pending offer in the community
        # for each candidate whenever its statistics said there were few.
        Index(
            "ix_offers_pending_member",
            "member_id",
            postgresql_where=text("status = 'pending'"),
            sqlite_where=text("status = 'pending'"),
        ),
        Index(
            "ix_offers_pending_expires",
            "expires_at",
            postgresql_where=PENDING_TO_EXPIRE,
            sqlite_where=PENDING_TO_EXPIRE,
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    work_id: Mapped[int] = mapped_column(ForeignKey("work_items.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    status: Mapped[OfferStatus] = mapped_column(String(12), default=OfferStatus.PENDING)
    round: Mapped[int] = mapped_column(Integer, default=1)
    why: Mapped[str] = mapped_column(String(300), default="")
    made_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    responded_at: Mapped[datetime | None]


def written(value: str) -> Any:
    """A constant status written into a statement's SQL when it is compiled, not bound.

    A generic PostgreSQL plan, made once for any value, cannot tell from a bound parameter
    that a partial index's condition holds. Written in once, it costs nothing per run: bound
    with literal_execute (as it was), SQLAlchemy rewrote the statement's text on every run,
    and routing's eligibility statement is some 4,700 characters.
    """
    if not value.replace("_", "").isalnum():
        raise ValueError(f"{value!r} is not a status")
    return literal_column(f"'{value}'", String)


# A query meant to use the partial indexes of pending offers above names the status this way.
OFFER_PENDING = Offer.status == written(OfferStatus.PENDING.value)


class AnswerRhythm(Base):
    """How a parent answered the offers that reached them at one hour of the week, in their
    own timezone (core/rhythm.py): routing offers first to good parents likely to answer soon."""

    __tablename__ = "answer_rhythm"
    # On SQLite the rows are kept in key order, a parent's together (migration 0022).
    __table_args__ = ({"sqlite_with_rowid": False},)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)
    hour_of_week: Mapped[int] = mapped_column(Integer, primary_key=True)  # Monday 00:00 is 0
    accepted: Mapped[int] = mapped_column(Integer, default=0)
    declined: Mapped[int] = mapped_column(Integer, default=0)
    expired: Mapped[int] = mapped_column(Integer, default=0)
    answer_seconds: Mapped[int] = mapped_column(Integer, default=0)  # over accepted and declined


class Delivery(Base):
    __tablename__ = "deliveries"
    __table_args__ = (Index("ix_deliveries_auto_approve", "status", "auto_approve_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    work_id: Mapped[int] = mapped_column(ForeignKey("work_items.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="submitted")  # | approved | changes
    feedback: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime]
    auto_approve_at: Mapped[datetime]
    on_time: Mapped[bool] = mapped_column(Boolean, default=True)
    reminded_at: Mapped[datetime | None]


class Rating(Base):
    __tablename__ = "ratings"
    __table_args__ = (UniqueConstraint("work_id", "rater_member_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    work_id: Mapped[int] = mapped_column(ForeignKey("work_items.id"), index=True)
    rater_member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    ratee_member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    stars: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    visible: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]


class OutboxNotice(Base):
    """A message to one member, written in the same transaction as the change it reports."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_due", "status", "platform", "next_attempt_at"),
        Index("ix_outbox_lane", "platform", "address", "status", "id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    # None for the moderators' channel (address "moderators"), which each adapter knows.
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), index=True)
    platform: Mapped[str] = mapped_column(String(20))
    address: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    actions: Mapped[list[Any]] = mapped_column(JSON, default=list)
    files: Mapped[list[Any] | None] = mapped_column(JSON, default=list)
    ref: Mapped[str | None] = mapped_column(String(40), index=True)
    replaces: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(12), default="pending")  # sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    lease_until: Mapped[datetime | None]
    delivered_ref: Mapped[str | None] = mapped_column(String(64))
    last_error: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]


# On PostgreSQL a new notice rings every process's doorbell (core/doorbell.py) as its
# transaction commits: a trigger rather than a NOTIFY statement of the commit's own, one round
# trip fewer for every command that tells somebody something. Migration 0021 adds the same.
RING_ON_NOTICE = (
    f"""CREATE OR REPLACE FUNCTION outbox_ring() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN NOTIFY {NOTIFY_CHANNEL}; RETURN NULL; END $$""",
    "CREATE TRIGGER outbox_rings AFTER INSERT ON outbox "
    "FOR EACH STATEMENT EXECUTE FUNCTION outbox_ring()",
)
for _statement in RING_ON_NOTICE:
    event.listen(
        OutboxNotice.__table__, "after_create", DDL(_statement).execute_if(dialect="postgresql")
    )


class OutboxLane(Base):
    """One recipient's queue (a DM or a channel), claimed by one dispatcher at a time.

    Notices to one chat go out in order, one sender at a time, whatever the number of
    processes; the lease is renewed before every send, so a sender that lost it stops.
    """

    __tablename__ = "outbox_lanes"
    platform: Mapped[str] = mapped_column(String(20), primary_key=True)
    address: Mapped[str] = mapped_column(String(64), primary_key=True)
    owner: Mapped[str] = mapped_column(String(80))
    lease_until: Mapped[datetime]


class LedgerTransaction(Base):
    __tablename__ = "ledger_transactions"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)  # makes every posting idempotent
    kind: Mapped[str] = mapped_column(String(20))
    work_id: Mapped[int | None] = mapped_column(ForeignKey("work_items.id"), index=True)
    memo: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime]


class LedgerEntry(Base):
    __tablename__ = "ledger_entries"
    id: Mapped[int] = mapped_column(primary_key=True)
    transaction_id: Mapped[int] = mapped_column(ForeignKey("ledger_transactions.id"), index=True)
    account: Mapped[str] = mapped_column(String(60), index=True)
    amount_minor: Mapped[int] = mapped_column(BigInteger)  # debit positive, credit negative
    currency: Mapped[str] = mapped_column(String(3))


class Payout(Base):
    __tablename__ = "payouts"
    id: Mapped[int] = mapped_column(primary_key=True)
    work_id: Mapped[int] = mapped_column(ForeignKey("work_items.id"), unique=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(12), default="owed")  # owed | sent
    gateway_ref: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]


class Dialog(Base):
    """Questions a person is answering one at a time (a post, step by step): kept in the
    store, so a restart resumes it where it was; one per person."""

    __tablename__ = "dialogs"
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # post
    step: Mapped[str] = mapped_column(String(20))  # the question waiting for an answer
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    asked_at: Mapped[datetime]


class Refund(Base):
    """Money going back to a business: sent at once by a gateway, or owed until a moderator
    sends it by hand and confirms it with /refunded."""

    __tablename__ = "refunds"
    id: Mapped[int] = mapped_column(primary_key=True)
    work_id: Mapped[int] = mapped_column(ForeignKey("work_items.id"), unique=True)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(12), default="owed")  # owed | sent
    gateway_ref: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]


class PayoutDetails(Base):
    """Where a parent is paid by hand (offline mode): shown to moderators only when owed."""

    __tablename__ = "payout_details"
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)
    holder: Mapped[str] = mapped_column(String(100))
    account: Mapped[str] = mapped_column(String(60))  # "sort code 12-34-56, account 12345678"
    updated_at: Mapped[datetime]


class DeliveredFile(Base):
    """A file a parent delivered: the platform's own handle, and a stored copy once fetched."""

    __tablename__ = "delivered_files"
    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("deliveries.id"), index=True)
    platform: Mapped[str] = mapped_column(String(20))
    file_ref: Mapped[str] = mapped_column(String(600))  # Telegram file_id; Discord URL
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))  # document | photo | voice | video | audio
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    stored_key: Mapped[str | None] = mapped_column(String(200))


class PayeeAccount(Base):
    """A member's account with a payment gateway (a Stripe Connect Express account)."""

    __tablename__ = "payee_accounts"
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)
    gateway: Mapped[str] = mapped_column(String(20), primary_key=True)
    account_ref: Mapped[str] = mapped_column(String(100), unique=True)
    ready: Mapped[bool] = mapped_column(Boolean, default=False)
    state_at: Mapped[int] = mapped_column(
        BigInteger, default=0
    )  # the newest event applied, unix time
    created_at: Mapped[datetime]


class WebhookEvent(Base):
    """Every payment-gateway event seen, by its id, so each is applied once."""

    __tablename__ = "webhook_events"
    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    type: Mapped[str] = mapped_column(String(80))
    received_at: Mapped[datetime]
    applied_at: Mapped[datetime | None]


class WorkRecordSettings(Base):
    """A parent's choices about their work record: the address it is shared at (none until
    they ask), whether it shows earnings, and the id their credentials name them by."""

    __tablename__ = "work_records"
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)
    subject_id: Mapped[str] = mapped_column(String(60), unique=True)  # urn:uuid:...
    share_token: Mapped[str | None] = mapped_column(String(60), unique=True)
    shared_at: Mapped[datetime | None]
    shows_earnings: Mapped[bool] = mapped_column(Boolean, default=False)


class IssuerKey(Base):
    """A key the communities sign credentials with. The newest unretired key signs; every key
    stays published, so credentials signed before a rotation still verify."""

    __tablename__ = "issuer_keys"
    kid: Mapped[str] = mapped_column(String(60), primary_key=True)
    algorithm: Mapped[str] = mapped_column(String(10))
    public_jwk: Mapped[dict[str, Any]] = mapped_column(JSON)
    private_pem: Mapped[str] = mapped_column(Text)  # PKCS#8, encrypted with the passphrase
    created_at: Mapped[datetime]
    retired_at: Mapped[datetime | None]


class IssuedCredential(Base):
    """An Open Badges credential a community issued to a parent, as signed (a VC-JWT), with
    its place in the community's revocation list."""

    __tablename__ = "issued_credentials"
    __table_args__ = (
        UniqueConstraint("community_id", "status_index"),
        # One credential for each achievement: issuing is safe to try twice.
        UniqueConstraint("member_id", "community_id", "achievement"),
    )
    id: Mapped[str] = mapped_column(String(60), primary_key=True)  # urn:uuid:...
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    achievement: Mapped[str] = mapped_column(
        String(80)
    )  # "check:proofreading", "jobs:proofreading:5"
    skill_code: Mapped[str] = mapped_column(ForeignKey("skills.code"))
    name: Mapped[str] = mapped_column(String(200))
    status_index: Mapped[int] = mapped_column(Integer)
    jwt: Mapped[str] = mapped_column(Text)
    issued_at: Mapped[datetime]
    valid_until: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class LearningSite(Base):
    """A community's learning system (a Moodle site): its address and web-service token,
    the token sealed at rest (core/sealed.py); and how its last sync went."""

    __tablename__ = "lms_sites"
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), primary_key=True)
    url: Mapped[str] = mapped_column(String(300))
    sealed_token: Mapped[str | None] = mapped_column(Text)  # None: waiting for the token
    site_name: Mapped[str] = mapped_column(String(200), default="")
    # Who connected it (None: the operator, in settings); only they may give its token.
    connected_by_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    asked_at: Mapped[datetime]
    connected_at: Mapped[datetime | None]
    last_sync_at: Mapped[datetime | None]
    last_sync_error: Mapped[str | None] = mapped_column(String(300))


class LearningCourse(Base):
    """A course on the community's site that counts for a skill, at a level."""

    __tablename__ = "lms_courses"
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), primary_key=True)
    course_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    skill_code: Mapped[str] = mapped_column(ForeignKey("skills.code"))
    level: Mapped[int] = mapped_column(Integer)


class LearningAccount(Base):
    """A parent's account on the community's site, proved with a code sent there."""

    __tablename__ = "lms_accounts"
    __table_args__ = (UniqueConstraint("community_id", "lms_user_id"),)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True, index=True)
    lms_user_id: Mapped[int | None] = mapped_column(BigInteger)  # set once the code is typed
    username: Mapped[str] = mapped_column(String(200))
    pending_user_id: Mapped[int | None] = mapped_column(BigInteger)
    code_hash: Mapped[str | None] = mapped_column(String(64))
    code_expires_at: Mapped[datetime | None]
    wrong_codes: Mapped[int] = mapped_column(Integer, default=0)
    linked_at: Mapped[datetime | None]


class CourseCompletion(Base):
    """A mapped course a parent completed, recorded once: it verified their skill."""

    __tablename__ = "lms_completions"
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True, index=True)
    course_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    course_name: Mapped[str] = mapped_column(String(300))
    skill_code: Mapped[str] = mapped_column(ForeignKey("skills.code"))
    recorded_at: Mapped[datetime]


class FamilySettings(Base):
    """A person's family-time choices: their calendar's private address (None until asked,
    a new one after a reset) and the weekly note on Sunday evenings."""

    __tablename__ = "family_settings"
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)
    calendar_token: Mapped[str | None] = mapped_column(String(60), unique=True)
    week_note: Mapped[bool] = mapped_column(Boolean, default=False)
    week_note_sent_for: Mapped[str | None] = mapped_column(String(10))  # "2026-W49", local


class Household(Base):
    """Partners who plan together: they see each other's availability and jobs, and may ask
    routing for one of them at a time."""

    __tablename__ = "households"
    id: Mapped[int] = mapped_column(primary_key=True)
    one_at_a_time: Mapped[bool] = mapped_column(Boolean, default=False)
    # Whether a partner hears that an offer went to the other ("/household offers on").
    tells_offers: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    created_at: Mapped[datetime]


class HouseholdMember(Base):
    __tablename__ = "household_members"
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    shares_earnings: Mapped[bool] = mapped_column(Boolean, default=False)
    joined_at: Mapped[datetime]


class HouseholdInvite(Base):
    """An invitation to one person: theirs alone to accept, once, before it expires."""

    __tablename__ = "household_invites"
    id: Mapped[int] = mapped_column(primary_key=True)
    from_member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    to_member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    expires_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]


class AppliedRequest(Base):
    """A person's request that changed something, by the platform's own id for it (a Telegram
    update, a Discord interaction, a web form): written with its effects, so a redelivered
    or retried request is recognised and not applied twice."""

    __tablename__ = "applied_requests"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    applied_at: Mapped[datetime] = mapped_column(index=True)
