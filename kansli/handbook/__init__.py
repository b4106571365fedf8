"""The digital case handbook (ärendehandbok): the municipality's routines as versioned
pages, linked to the steps of the case process and to their templates."""
