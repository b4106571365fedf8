"""The citizens' e-services: medborgarförslag, synpunkter and e-förslag with signatures,
and the intake API for external e-service platforms."""
