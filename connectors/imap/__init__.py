"""IMAP mail (`mail.source = "imap"`): the mail source and the drafts folder writer."""
