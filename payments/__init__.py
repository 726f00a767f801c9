"""Money: the double-entry ledger, payment gateways and the handlers that move money."""
