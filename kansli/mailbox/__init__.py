"""The functional mailbox: mail read over IMAP into the registrars' inbox, malformed
messages kept in quarantine, misaddressed mail forwarded."""
