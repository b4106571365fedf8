"""The registry's pages; one module per part (registering, the case page, lists,
letters), with what they share in `common`."""
