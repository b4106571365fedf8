"""Templates for the documents Kansli writes (tjänsteskrivelse, handläggningsbesked,
kallelse, protokoll, utdrag, beslut, brev) and the graphic profile they are printed in."""
