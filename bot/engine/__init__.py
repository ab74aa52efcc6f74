"""The channel-neutral answer engine: redact -> triage -> retrieve -> answer -> decide."""
