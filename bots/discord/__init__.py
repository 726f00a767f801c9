"""Discord adapter (discord.py 2.7): translates interactions into core commands."""
