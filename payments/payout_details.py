"""Where the moderators pay a parent by hand: given once, shown to them only when owed.

IBANs are checked with schwifty (checksums, each country's length and bank registry) rather
than by hand; a UK sort code and account number are checked for shape only, as no library
here knows every bank's modulus rules.
"""

from __future__ import annotations

import re

from schwifty import IBAN
from schwifty.exceptions import SchwiftyException
from sqlalchemy import select

from core.commands import SetPayoutDetails
from core.errors import DomainError
from core.forms import PAYOUT_EXAMPLE
from core.language import _
from core.language.people import speaking_to
from core.models import Member, Payout, PayoutDetails, WorkItem
from core.money import Money
from core.notices import MODERATORS, Notice
from core.ports import PaymentGateway
from core.read_models import masked
from core.uow import UnitOfWork

EXAMPLE = PAYOUT_EXAMPLE
ERASE_WORDS = {"", "remove", "delete", "clear", "forget"}
IBAN_LIKE = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){10,30}\b", re.I)
ACCOUNT_NUMBER = re.compile(r"(?<![\d-])\d{8}(?![\d-])")
SORT_CODE = re.compile(r"(?<![\d-])(\d{2})[- ]?(\d{2})[- ]?(\d{2})(?![\d-])")
LABELS = re.compile(r"\b(sort ?code|account|acc|number|no|iban|name|a/c)\b[:.]?", re.I)


def read_bank_details(text: str) -> tuple[str, str]:
    """The holder's name and the account, from what a parent typed; DomainError if unclear."""
    typed = " ".join(text.split())
    account, rest = _iban(typed)
    if account is None:
        number = ACCOUNT_NUMBER.search(typed)
        rest_after_number = typed[: number.start()] + " " + typed[number.end() :] if number else ""
        sort = SORT_CODE.search(rest_after_number) if number else None
        if number is None or sort is None:
            raise DomainError(
                _("That doesn't look like bank details. Send {EXAMPLE}.", EXAMPLE=_(EXAMPLE))
            )
        account = _(
            "sort code {listing}, account {group}",
            listing="-".join(sort.groups()),
            group=number.group(0),
        )
        rest = rest_after_number[: sort.start()] + " " + rest_after_number[sort.end() :]
    holder = " ".join(LABELS.sub(" ", rest).replace(",", " ").split()).strip(" .:;-")
    if not re.search(r"[^\W\d_]{2}", holder) or len(holder) > 100:
        raise DomainError(
            _("Please include the account holder's name. Send {EXAMPLE}.", EXAMPLE=_(EXAMPLE))
        )
    return holder, account


def _iban(typed: str) -> tuple[str | None, str]:
    found = IBAN_LIKE.search(typed)
    if found is None:
        return None, typed
    try:
        iban = IBAN(found.group(0))
    except SchwiftyException:
        raise DomainError(
            _(
                "That IBAN doesn't check out (a digit may be mistyped). Please copy it again from your banking app."
            )
        ) from None
    return _("IBAN {formatted}", formatted=iban.formatted), typed[: found.start()] + " " + typed[
        found.end() :
    ]


async def set_payout_details(
    cmd: SetPayoutDetails, uow: UnitOfWork, gateway: PaymentGateway
) -> str:
    """Store, change or erase where the moderators pay this parent."""
    if not gateway.confirms_by_hand:
        return _("Payouts here are sent automatically: type /payouts to set up how you're paid.")
    member_id = cmd.actor.member_id
    typed = cmd.details.get_secret_value().strip()
    stored = await uow.session.get(PayoutDetails, member_id)
    if typed.lower() in ERASE_WORDS:
        if stored is None:
            return _("You have no payout details stored. ") + how_to_give()
        await uow.session.delete(stored)
        return _("Your payout details are erased. Type /payoutdetails to give new ones.")
    holder, account = read_bank_details(typed)
    if stored is None:
        uow.session.add(
            PayoutDetails(member_id=member_id, holder=holder, account=account, updated_at=uow.now())
        )
    else:
        stored.holder, stored.account, stored.updated_at = holder, account, uow.now()
    await _tell_moderators_owing(uow, member_id, holder, account)
    return _(
        "Saved: the moderators will pay you to {holder}, {masked}. Only they see these details, and only when a payout to you is owed. To change them, type /payoutdetails again; /payoutdetails remove erases them.",
        holder=holder,
        masked=masked(account),
    )


async def _tell_moderators_owing(
    uow: UnitOfWork, member_id: int, holder: str, account: str
) -> None:
    owed = (
        await uow.session.execute(
            select(Payout, WorkItem)
            .join(WorkItem, WorkItem.id == Payout.work_id)
            .where(Payout.member_id == member_id, Payout.status == "owed")
            .order_by(Payout.id)
        )
    ).all()
    if not owed:
        return
    parent = await uow.session.get_one(Member, member_id)
    for payout, item in owed:
        async with speaking_to(uow, MODERATORS, item.community_id):
            await uow.notify(
                Notice(
                    to=MODERATORS,
                    community_id=item.community_id,
                    text=_(
                        "{display_name} gave their bank details for payout #{id} ({money}, item #{id2}). Pay to: {holder}, {account}. Then type /paid {id}.",
                        display_name=parent.display_name,
                        id=payout.id,
                        money=Money(payout.amount_minor, payout.currency),
                        id2=item.id,
                        holder=holder,
                        account=account,
                    ),
                )
            )


def how_to_give() -> str:
    return _("Type /payoutdetails followed by {EXAMPLE}.", EXAMPLE=_(EXAMPLE))
