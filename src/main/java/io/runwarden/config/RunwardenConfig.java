package io.runwarden.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** The operator's own settings: the one place config is read. */
@ConfigMapping(prefix = "runwarden")
public interface RunwardenConfig {

  /** Defaults for what a run's spec leaves out. */
  Defaults defaults();

  /** Attempts kept in status.attempts (older ones are dropped). */
  @WithDefault("10")
  int historyLimit();

  /** Field manager of the operator's server-side-apply status writes. */
  @WithDefault("runwarden")
  String fieldManager();

  /** The external-service probe (spec.externalService). */
  External external();

  interface External {
    /**
     * Hosts runs may ask (exact names, or *.domain for subdomains). Unset: any host. Platform teams
     * set it so a run cannot make the operator call arbitrary internal addresses.
     */
    Optional<java.util.List<String>> allowedHosts();
  }

  interface Defaults {
    /** Run deadline from creation when spec.timeouts.run is omitted. */
    @WithDefault("24h")
    Duration runTimeout();

    /** Per-attempt limit when spec.timeouts.attempt is omitted; unset means none. */
    Optional<Duration> attemptTimeout();

    /** Time for a worker to claim an attempt when spec.timeouts.start is omitted. */
    @WithDefault("10m")
    Duration startTimeout();

    /**
     * Heartbeat limit when spec.timeouts.heartbeat is omitted; unset means heartbeats are optional.
     */
    @WithDefault("5m")
    Optional<Duration> heartbeatTimeout();

    /** NoProgress limit when spec.timeouts.progress is omitted; unset means none. */
    Optional<Duration> progressTimeout();

    @WithDefault("2")
    int maxRetries();

    @WithDefault("10s")
    Duration backoffInitial();

    @WithDefault("2")
    double backoffFactor();

    @WithDefault("10m")
    Duration backoffMax();
  }
}
