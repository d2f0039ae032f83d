"""The ground every service stands on: the acting officer, the audit chain, input parsing,
shared query clauses and file storage. Imports nothing from the other service packages."""
