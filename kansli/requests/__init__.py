"""Begäran om allmän handling: requests to see public documents (TF 2 kap.), their
review per document, redaction, refusal and appeal, delivery and fees."""
