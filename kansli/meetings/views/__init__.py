"""The meeting pages: the secretary's and officers', the member portal, the public notice
board and calendar, the measures and delegated decisions."""
