"""Recurring questionnaires to officers and members (the Leksand seed's follow-up), with
results per quarter and follow-up actions."""
