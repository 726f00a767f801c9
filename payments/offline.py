"""The embedded default gateway: money moves by bank transfer and a moderator confirms it."""

from __future__ import annotations

from core.language import _
from core.money import Money, payment_reference
from core.ports import CheckoutRequest, PayeeAccountLink, RefundRequest, TransferRequest


class OfflineGateway:
    name = "offline"
    confirms_by_hand = True

    def __init__(self, pay_into: str | None = None) -> None:
        self.pay_into = pay_into  # "Parent Brain Ltd, sort code 12-34-56, account 12345678"

    async def create_checkout(self, request: CheckoutRequest) -> str:
        amount = Money(request.amount_minor, request.currency)
        reference = payment_reference(request.work_id)
        if self.pay_into is None:
            return _(
                "pay {amount} by bank transfer quoting {reference} as the reference; the moderators will message you the account to pay into",
                amount=amount,
                reference=reference,
            )
        return _(
            "pay {amount} by bank transfer to {pay_into}, quoting {reference} as the reference. A moderator confirms it when it arrives and you'll hear here",
            amount=amount,
            pay_into=self.pay_into,
            reference=reference,
        )

    async def transfer(self, request: TransferRequest) -> str | None:
        return None  # a moderator pays by hand, then confirms with the payout's number

    async def refund(self, request: RefundRequest) -> str | None:
        return None  # owed until a moderator sends it and confirms with /refunded

    async def onboard_payee(
        self, member_id: int, account_ref: str | None
    ) -> PayeeAccountLink | None:
        return None
