"""Google Calendar v3 and Gmail v1: the sources and sinks that talk to Google."""
