"""Use cases. Each one authorises, validates, changes, writes its audit events and flushes; the
request (or CLI command) boundary commits once and rolls back on any error."""
