"""A community's own settings: what its moderators may change with /settings, laid over the
deployment's (core/config.py). Handlers read a community's settings through `settings_for`
(or `core.communities.community_settings`), never the deployment's alone."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from core.config import Settings
from core.errors import DomainError
from core.language import LANGUAGES, N_, _, supported
from core.models import Community
from core.parsing import parse_timezone


class CommunitySettings(BaseModel):
    """What a community's moderators may change; each field named as `/settings` shows it."""

    model_config = ConfigDict(extra="forbid")

    fee: int | None = Field(default=None, ge=0, le=5000)  # basis points, at most 50%
    currency: str | None = Field(default=None, pattern="^[A-Z]{3}$")
    timezone: str | None = None
    moderation: str | None = Field(default=None, pattern="^(none|first|all)$")
    banned_words: list[str] | None = None
    offer_minutes: int | None = Field(default=None, ge=1, le=24 * 60)
    urgent_offer_minutes: int | None = Field(default=None, ge=1, le=24 * 60)
    skill_checks: bool | None = None
    milestones: list[int] | None = Field(default=None, max_length=5)
    language: str | None = Field(default=None, pattern="^(en|es)$")

    @field_validator("milestones")
    @classmethod
    def _sensible_milestones(cls, value: list[int] | None) -> list[int] | None:
        if value is not None and any(not 1 <= n <= 1000 for n in value):
            raise ValueError(_("each milestone is a number of jobs from 1 to 1000"))
        return sorted(set(value)) if value is not None else None

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is not None:
            parse_timezone(value)
        return value


# Each community setting, and the deployment setting it overrides.
OVERRIDES = {
    "fee": "platform_fee_bps",
    "currency": "currency",
    "timezone": "default_timezone",
    "moderation": "moderate_posts",
    "banned_words": "banned_words",
    "offer_minutes": "offer_timeout_minutes",
    "urgent_offer_minutes": "urgent_offer_timeout_minutes",
    "skill_checks": "skill_checks",
    "milestones": "credential_milestones",
    "language": "default_language",
}

SETTING_HELP = {
    "fee": N_("the platform's cut, e.g. /settings fee 12.5%"),
    "currency": N_("what work is paid in, e.g. /settings currency GBP"),
    "timezone": N_("the community's clock, e.g. /settings timezone Europe/London"),
    "moderation": N_("which posts a moderator reviews: none, first or all"),
    "banned_words": N_("words refused in posts, e.g. /settings banned_words crypto, forex"),
    "offer_minutes": N_(
        "how long a parent has to answer an offer, e.g. /settings offer_minutes 10"
    ),
    "urgent_offer_minutes": N_("the same for urgent work, e.g. /settings urgent_offer_minutes 5"),
    "skill_checks": N_("whether members here take skill checks: on or off"),
    "milestones": N_(
        "approved jobs in a skill that earn a credential, e.g. /settings milestones 5, 25"
    ),
    "language": N_(
        "what members read when they haven't chosen and their app doesn't say: en or es, "
        "e.g. /settings language es"
    ),
}


def settings_for(settings: Settings, community: Community | None) -> Settings:
    """The deployment's settings with this community's own choices on top."""
    if community is None or not community.settings:
        return settings
    chosen = CommunitySettings.model_validate(community.settings)
    update = {
        OVERRIDES[name]: value for name, value in chosen.model_dump(exclude_none=True).items()
    }
    return settings.model_copy(update=update)


def read_setting(name: str, value: str) -> dict[str, Any]:
    """A typed `/settings <name> <value>` as the stored override, or one sentence why not."""
    key = name.strip().lower().replace("-", "_")
    if key not in OVERRIDES:
        raise DomainError(
            _(
                'There is no setting called "{name}". You can change: {names}.',
                name=name,
                names=", ".join(OVERRIDES),
            )
        )
    raw: Any = value.strip()
    if key == "fee":
        raw = _fee_bps(raw)
    elif key == "currency":
        raw = raw.upper()
    elif key == "language":
        raw = supported(raw) or raw
    elif key == "banned_words":
        raw = [] if raw.lower() in ("", "none") else [w.strip().lower() for w in raw.split(",")]
        raw = [w for w in raw if w]
    elif key == "skill_checks":
        raw = {"on": True, "yes": True, "off": False, "no": False}.get(raw.lower(), raw)
    elif key == "milestones":
        raw = [w.strip() for w in raw.replace(" ", ",").split(",") if w.strip()]
    elif key in ("offer_minutes", "urgent_offer_minutes"):
        raw = raw.removesuffix("m").removesuffix("min").strip()
    try:
        checked = CommunitySettings.model_validate({key: raw})
    except (ValidationError, DomainError):  # the person needs the example, not pydantic's words
        raise DomainError(
            _(
                "That isn't a valid {setting}: {help}.",
                setting=key.replace("_", " "),
                help=_(SETTING_HELP[key]),
            )
        ) from None
    return {key: getattr(checked, key)}


def _fee_bps(text: str) -> int:
    try:
        percent = float(text.removesuffix("%").strip())
    except ValueError:
        raise DomainError(
            _("That isn't a valid {setting}: {help}.", setting="fee", help=_(SETTING_HELP["fee"]))
        ) from None
    if not 0 <= percent <= 50:
        raise DomainError(_("The fee must be between 0% and 50%."))
    return round(percent * 100)


def describe_settings(settings: Settings) -> list[str]:
    """The community's settings as a moderator reads them: each name as /settings takes it."""
    words = ", ".join(settings.banned_words) or _("none")
    milestones = ", ".join(map(str, settings.credential_milestones)) or _("none")
    checks = _("on") if settings.skill_checks else _("off")
    return [
        f"fee: {settings.platform_fee_bps / 100:g}%",
        f"currency: {settings.currency}",
        f"timezone: {settings.default_timezone}",
        f"moderation: {settings.moderate_posts}",
        f"banned_words: {words}",
        f"offer_minutes: {settings.offer_timeout_minutes}",
        f"urgent_offer_minutes: {settings.urgent_offer_timeout_minutes}",
        f"skill_checks: {checks}",
        f"milestones: {milestones}",
        f"language: {settings.default_language} ({LANGUAGES[settings.default_language]})",
    ]
