"""Real servers the IMAP and CalDAV contract tests run against, started per test session."""
