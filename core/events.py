"""Facts that happened. Event handlers route, notify, move money and learn from them."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Event(BaseModel):
    model_config = ConfigDict(frozen=True)


class WorkPosted(Event):
    work_id: int


class WorkFunded(Event):
    work_id: int


class OfferMade(Event):
    offer_id: int
    work_id: int
    member_id: int


class FirstOfferMade(Event):
    """The first offer for a funded item: how long the business's money waited for it."""

    work_id: int
    seconds_since_funding: float


class OfferDeclined(Event):
    offer_id: int
    work_id: int
    member_id: int


class OfferExpired(Event):
    offer_id: int
    work_id: int
    member_id: int


class WorkAssigned(Event):
    work_id: int
    member_id: int


class WorkCancelled(Event):
    work_id: int
    was_funded: bool


class WorkExpired(Event):
    work_id: int
    was_funded: bool


class DeliverySubmitted(Event):
    work_id: int


class DeliveryApproved(Event):
    work_id: int
    member_id: int


class WorkRated(Event):
    work_id: int
    ratee_member_id: int
    stars: int


class RatingsShown(Event):
    """The ratings of a finished item are visible now (both rated, or the window passed)."""

    work_id: int


class PayoutSent(Event):
    payout_id: int
    work_id: int


class MemberAvailable(Event):
    member_id: int


class MemberBanned(Event):
    member_id: int
