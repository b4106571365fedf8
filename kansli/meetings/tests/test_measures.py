"""Leksand's measures 5 and 7 against tables worked out by hand before the code
(the seed: "Räkna antal dagar från bilagan med handlingarna är utlagd på ikonen tills
de ordinarie politikerna läser dem", in the intervals 0–3, 4–7, 8–10, 11–12, 13–14
days; "Räkna antal dagar från justering till expediering", goal five working days)."""

import datetime

from kansli.meetings.measures import dispatch_days, opening_counts

D = datetime.date

# Measure 5. The notice went out Thursday 5 March 2026. Calendar days from then to
# each person's first opening:
#   A  ledamot      5 March   0  0–3
#   B  ordförande   8 March   3  0–3
#   C  ledamot      9 March   4  4–7
#   D  ledamot     17 March  12  11–12
#   E  ledamot      never        never opened
#   F  ersättare   20 March  15  15– (substitutes, apart)
#   G  ersättare    never        (a substitute who is not called need not open)
OPENED = {1: D(2026, 3, 5), 2: D(2026, 3, 8), 3: D(2026, 3, 9), 4: D(2026, 3, 17),
          6: D(2026, 3, 20)}  # fmt: skip
MEMBERS, SUBSTITUTES = {1, 2, 3, 4, 5}, {6, 7}


def test_days_from_the_notice_to_each_members_first_opening() -> None:
    members, substitutes, never = opening_counts(D(2026, 3, 5), OPENED, MEMBERS, SUBSTITUTES)
    assert dict(members) == {"0–3": 2, "4–7": 1, "11–12": 1}
    assert dict(substitutes) == {"15–": 1}
    assert never == 1


# Measure 7. The minutes were approved on Thursday 2 April 2026 (skärtorsdag, a working
# day). Working days after it up to each dispatch (3 April långfredag, 4–5 weekend,
# 6 April annandag påsk are not):
#   7 April  1     10 April  4     13 April  5 (within five)     14 April  6 (over)
def test_working_days_from_approval_to_every_dispatch() -> None:
    sent = [D(2026, 4, 7), D(2026, 4, 10), D(2026, 4, 13), D(2026, 4, 14)]
    assert dispatch_days(D(2026, 4, 2), sent, frozenset()) == [1, 4, 5, 6]
