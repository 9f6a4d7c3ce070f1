package io.runwarden.lifecycle;

/** The core asks the shell to ask the external service about this attempt's job. */
public record ExternalCheckRequest(int attempt, String serviceJobId) {}
