"""CalDAV calendars (`calendar.source = "caldav"`): the events source and the reminders writer."""
