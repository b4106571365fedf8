"""The officer's report (tjänsteskrivelse) from draft to agenda: written in a structured
editor, approved by the manager where the authority requires it, handed in, registered
and put on a meeting's agenda."""
