"""Family time: a parent's week (what they were free for, worked, earned and have due), a
note about it on Sunday evenings, their calendar for the family's own, and a household of
partners who plan together."""
