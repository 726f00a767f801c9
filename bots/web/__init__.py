"""The web front end: a Telegram Mini App and browser pages on the same core as the chats."""
