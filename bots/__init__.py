"""Delivery: the chat adapters, the command line and the process that runs everything."""
