"""Parent Brain's domain: members, availability, work items, offers and the bus that drives them.

Nothing here knows about Telegram, Discord, Stripe or HTTP; adapters translate to and from it.
"""
