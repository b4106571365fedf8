"""Personal data requests (GDPR art. 15): a search for one person across the registry,
committee administration and the audit log, and the register extract made from it."""
