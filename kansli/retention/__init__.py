"""The document management plan (informationshanteringsplan): per process and document
type, registered or kept in order, kept or disposed of and when; adopted in versions by
the board, imported and exported as CSV, printed as PDF. See README.md."""
