"""Distribution lists (sändlistor): named recipients for notices, dispatch of decisions,
referrals for comment (remiss) and the board news item, with a record of each recipient
and channel."""
