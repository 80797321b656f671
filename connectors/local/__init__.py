"""Local files: .ics calendars, mbox and Maildir mail, and the local writers."""
