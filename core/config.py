"""Settings: environment variables prefixed PARENTBRAIN_, or the same keys in parentbrain.toml."""

from __future__ import annotations

import hmac
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

DEFAULT_DATABASE_FILE = "parentbrain.sqlite3"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="PARENTBRAIN_",
        toml_file="parentbrain.toml",
        extra="ignore",
        env_ignore_empty=True,  # compose passes an unset token as "": that is no token
    )

    database_url: str = Field(
        default_factory=lambda: f"sqlite+aiosqlite:///{Path.cwd() / DEFAULT_DATABASE_FILE}"
    )
    # How many `parentbrain run` processes share the database (behind a load balancer, on
    # PostgreSQL). Above 1, each person's Telegram updates keep their order across them.
    processes: int = Field(default=1, ge=1, le=64)
    http_host: str = "127.0.0.1"
    http_port: int = 8080

    telegram_token: SecretStr | None = None
    telegram_community_chat_id: int | None = None
    telegram_moderator_chat_id: int | None = None
    telegram_help_chat_id: int | None = None  # where /ask posts; default: the community chat
    telegram_webhook_url: str | None = None
    # What Telegram sends with each webhook call. Every process behind one webhook must expect
    # the same one, so by default it is made from the bot's token, never at random.
    telegram_webhook_secret: SecretStr | None = None
    telegram_api_url: str | None = None

    discord_token: SecretStr | None = None
    discord_guild_id: int | None = None
    discord_moderator_role: str | None = None
    discord_moderator_channel_id: int | None = None
    discord_help_channel_id: int | None = None  # where /ask posts
    discord_members_intent: bool = False  # privileged; lets leaving a server stop its offers
    discord_api_url: str | None = None

    stripe_api_key: SecretStr | None = None
    stripe_webhook_secret: SecretStr | None = None
    stripe_api_url: str | None = None
    stripe_return_url: str | None = (
        None  # where Checkout and onboarding come back to; default: our /stripe/done
    )

    # Offline mode: the account businesses pay into, shown with the amount and PB-<item>.
    bank_account_name: str | None = Field(default=None, max_length=100)
    bank_sort_code: str | None = Field(default=None, pattern=r"^\d{2}-?\d{2}-?\d{2}$")
    bank_account_number: str | None = Field(default=None, pattern=r"^\d{8}$")
    bank_iban: str | None = Field(default=None, max_length=42)
    # Offline mode: the moderators hear once when a business hasn't paid after this long.
    payment_overdue_hours: float = Field(default=24, gt=0)

    # Delivered files, fetched once so they can cross platforms and reach moderators.
    files_dir: str = Field(default_factory=lambda: str(Path.cwd() / "parentbrain-files"))
    files_s3_bucket: str | None = None  # set to keep them in an S3-compatible bucket instead
    files_s3_endpoint_url: str | None = None  # MinIO, B2 and the like; default: AWS
    files_s3_prefix: str = ""

    # The web front end (bots/web): on when this is set, to the address people open, like
    # https://pb.example/web. Its cookies are signed with the secret (32 url-safe base64 bytes;
    # unset: a new one each start, which signs everyone out).
    web_url: str | None = None
    web_secret: SecretStr | None = None
    # Who may frame the pages (the Mini App): Telegram's web clients, as CSP sources.
    web_frame_ancestors: list[str] = Field(default_factory=lambda: ["https://web.telegram.org"])
    web_signin_max_age_seconds: int = Field(default=24 * 3600, ge=60)  # Telegram's signed data
    discord_client_id: str | None = None  # for "Sign in with Discord" (OAuth2, identify)
    discord_client_secret: SecretStr | None = None
    discord_oauth_url: str = "https://discord.com"

    router: str = Field(
        default="learning", pattern="^(simple|learning)$"
    )  # see routing/learning.py; simple is the best-rated-first baseline
    moderate_posts: str = Field(
        default="none", pattern="^(none|first|all)$"
    )  # posts a moderator reviews
    platform_fee_bps: int = Field(default=1500, ge=0, le=10_000)
    currency: str = Field(default="GBP", min_length=3, max_length=3)
    default_timezone: str = "Europe/London"
    # What people read when neither they nor their chat app or browser has said (core/language).
    default_language: str = Field(default="en", pattern="^(en|es)$")
    log_level: str = Field(default="INFO", pattern="^(DEBUG|INFO|WARNING|ERROR)$")
    log_format: str = Field(default="text", pattern="^(text|json)$")  # json: one object a line
    # Reaching Telegram or Discord at start: this many tries, waiting this long and then twice
    # as long each time (at most a minute); a rejected token is not retried.
    startup_attempts: int = Field(default=5, ge=1, le=100)
    # /readyz fails while a notice has waited longer than this to be sent.
    ready_notice_age_seconds: int = Field(default=300, ge=1)
    # On SIGTERM, how long the sends in flight may take to finish and be recorded.
    shutdown_grace_seconds: float = Field(default=10.0, gt=0, le=600)
    startup_backoff_seconds: float = Field(default=2.0, ge=0, le=60)

    offer_timeout_minutes: int = Field(default=10, ge=1)
    urgent_offer_timeout_minutes: int = Field(default=5, ge=1)
    offers_per_round: int = Field(default=1, ge=1)
    urgent_offers_per_round: int = Field(default=3, ge=1)
    # When the parents asked may well not take it in time (less than this chance, by the
    # router's belief), one more is asked this many minutes later if nobody has taken it;
    # 0 minutes asks nobody more (core/spares.py). A newcomer starts at 0.7
    # (routing/rhythm.py), so a spare follows a record of offers let lapse near this hour.
    spare_offer_below: float = Field(default=0.65, ge=0, le=1)
    spare_offer_after_minutes: int = Field(default=3, ge=0, le=24 * 60)
    widen_after_rounds: int = Field(default=3, ge=1)  # then any level of the skills will do
    default_available_hours: float = Field(default=2.0, gt=0)
    # A question asked in a dialog (/post, a button's "reply with..."): after this long
    # without an answer the draft is put aside, with a sentence saying how to carry on.
    dialog_timeout_minutes: float = Field(default=15, gt=0, le=24 * 60)
    tonight_from: str = Field(default="19:00", pattern=r"^([01][0-9]|2[0-2]):[0-5][0-9]$")
    min_budget_minor: int = Field(default=100, ge=1)
    max_budget_minor: int = Field(default=500_000, ge=1)
    banned_words: list[str] = Field(default_factory=list)  # refused in posts
    skill_checks_file: str | None = None  # YAML; default: core/skill_checks.yaml
    skill_checks: bool = True  # a community may switch its checks off with /settings
    quiz_retry_hours: float = Field(default=24, ge=0)
    auto_approve_days: int = Field(default=3, ge=1)
    rating_window_days: int = Field(default=7, ge=1)

    # Credentials (core/credentials): the key communities sign with is made on first start and
    # kept in the store, encrypted with the passphrase; unset, a passphrase is made once and
    # kept in this file (readable by the owner only). Or the operator gives a PEM key file.
    issuer_key_file: str | None = None
    issuer_key_passphrase: SecretStr | None = None
    issuer_passphrase_file: str = Field(
        default_factory=lambda: str(Path.cwd() / "parentbrain-issuer-passphrase")
    )
    # Work milestones that earn a credential: this many approved jobs in a skill, rated this
    # well on average (ratings already shown); a community may choose its own.
    credential_milestones: list[int] = Field(default_factory=lambda: [5, 25])
    credential_min_stars: float = Field(default=4.5, ge=1, le=5)
    credential_valid_days: int = Field(default=0, ge=0)  # 0: they don't expire

    # A learning system (Moodle) for the first community, set by the operator; others connect
    # theirs with /lms connect. Completions are read every this many minutes.
    lms_url: str | None = None
    lms_token: SecretStr | None = None
    lms_sync_minutes: float = Field(default=15, gt=0)
    lms_timeout_seconds: float = Field(default=10, gt=0, le=120)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls))

    def pay_into(self) -> str | None:
        """The bank account businesses pay into, in words; None if not configured."""
        if not self.bank_account_name:
            return None
        if self.bank_iban:
            return f"{self.bank_account_name}, IBAN {self.bank_iban}"
        if self.bank_sort_code and self.bank_account_number:
            code = self.bank_sort_code.replace("-", "")
            return (
                f"{self.bank_account_name}, sort code {code[:2]}-{code[2:4]}-{code[4:]}, "
                f"account {self.bank_account_number}"
            )
        return None

    def telegram_webhook_secret_value(self) -> str:
        """The webhook's secret: the one set, or one made from the token (letters, digits,
        as Telegram allows), the same in every process."""
        if self.telegram_webhook_secret is not None:
            return self.telegram_webhook_secret.get_secret_value()
        token = self.telegram_token.get_secret_value() if self.telegram_token else ""
        return hmac.new(token.encode(), b"parentbrain telegram webhook", "sha256").hexdigest()

    def telegram_help_chat(self) -> int | None:
        return self.telegram_help_chat_id or self.telegram_community_chat_id

    def help_channels(self) -> list[str]:
        """Platforms with a channel where /ask questions go."""
        found = []
        if self.telegram_token and self.telegram_help_chat() is not None:
            found.append("telegram")
        if self.discord_token and self.discord_help_channel_id is not None:
            found.append("discord")
        return found

    def moderator_channels(self) -> list[str]:
        """Platforms with a moderators' chat or channel to post reviews and disputes in."""
        found = []
        if self.telegram_token and self.telegram_moderator_chat_id is not None:
            found.append("telegram")
        if self.discord_token and self.discord_moderator_channel_id is not None:
            found.append("discord")
        return found

    def platforms_configured(self) -> list[str]:
        found = []
        if self.telegram_token:
            found.append("telegram")
        if self.discord_token:
            found.append("discord")
        return found
