"""The embedded default gateway: money moves by bank transfer and a moderator confirms it."""

from __future__ import annotations

from core.ports import CheckoutRequest, PayeeAccountLink, RefundRequest, TransferRequest


class OfflineGateway:
    name = "offline"
    confirms_by_hand = True

    async def create_checkout(self, request: CheckoutRequest) -> str:
        return (
            f"pay by bank transfer quoting PB-{request.work_id}; "
            "a moderator will confirm it arrived"
        )

    async def transfer(self, request: TransferRequest) -> str | None:
        return None  # a moderator pays by hand, then confirms with the payout's number

    async def refund(self, request: RefundRequest) -> str | None:
        return None

    async def onboard_payee(
        self, member_id: int, account_ref: str | None
    ) -> PayeeAccountLink | None:
        return None
