"""Search: one search box for staff over the registry (case numbers, titles,
descriptions, senders and recipients, parties, file text) with filters, newest first,
always through `visible_to(user)`. See README.md in this directory."""
