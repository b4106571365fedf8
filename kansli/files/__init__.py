"""The store of registered documents' files: immutable, content-addressed contents, their
type detected from the bytes, and their text extracted in the background for search."""
