package io.runwarden.lifecycle;

import java.time.Instant;

/**
 * A time rule that fired in a decision: which one, and the instant it was due. The shell measures
 * how late the status write that enforced it came (the operator's promptness).
 */
public record Enforcement(String rule, Instant due) {}
