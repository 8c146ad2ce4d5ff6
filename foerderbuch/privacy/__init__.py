"""Personal data that can be erased without breaking the ledger: keys per person, erasure, retention, access."""
