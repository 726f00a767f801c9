"""/language: which language a person reads, chosen by them over what their app says."""

from __future__ import annotations

from core.commands import ChooseLanguage
from core.errors import DomainError
from core.handlers.common import member_of
from core.language import LANGUAGES, _, speaking, supported
from core.language.people import language_of_member
from core.uow import UnitOfWork

AUTOMATIC = ("auto", "automatic", "reset", "default")


def _choices() -> str:
    return ", ".join(f"{code} ({name})" for code, name in LANGUAGES.items())


async def choose_language(cmd: ChooseLanguage, uow: UnitOfWork) -> str:
    member = await member_of(uow, cmd.actor)
    typed = cmd.language.strip().lower()
    if not typed:
        now = await language_of_member(uow, member, cmd.actor.community_id)
        how = (
            _("you chose it")
            if member.language
            else _("your app's or your community's language, as nobody chose")
        )
        return _(
            "You read Parent Brain in {language} ({how}). To change it, type /language and "
            "one of: {choices}; /language auto goes back to your app's language.",
            language=LANGUAGES[now],
            how=how,
            choices=_choices(),
        )
    if typed in AUTOMATIC:
        member.language = None
        now = await language_of_member(uow, member, cmd.actor.community_id)
        with speaking(now):
            return _(
                "Done: you read Parent Brain in your app's language ({language}).",
                language=LANGUAGES[now],
            )
    chosen = supported(typed)
    if chosen is None:
        raise DomainError(
            _(
                'Parent Brain doesn\'t speak "{typed}" yet. Type /language and one of: {choices}.',
                typed=cmd.language.strip()[:20],
                choices=_choices(),
            )
        )
    member.language = chosen
    with speaking(chosen):
        return _(
            "Done: from now on you read Parent Brain in {language}. /language auto goes back "
            "to your app's language.",
            language=LANGUAGES[chosen],
        )
