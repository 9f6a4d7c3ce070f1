package io.runwarden.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/** The operator's own settings: the one place config is read. */
@ConfigMapping(prefix = "runwarden")
public interface RunwardenConfig {

  /** Defaults for what a run's spec leaves out. */
  Defaults defaults();

  /** Attempts kept in status.attempts (older ones are dropped). */
  @WithDefault("10")
  int historyLimit();

  /**
   * How stale status.progress (the PROGRESS column, ETA) may get. Progress reported more often is
   * mirrored at most this often; transitions are written at once. Lower means more status writes.
   */
  @WithDefault("15s")
  Duration progressRefresh();

  /**
   * The longest duration a run's spec may give (timeouts, backoff, ttlAfterFinished): longer is
   * InvalidSpec. Bounds every timer a namespace user can set.
   */
  @WithDefault("365d")
  Duration maxDuration();

  /** Field manager of the operator's server-side-apply status writes. */
  @WithDefault("runwarden")
  String fieldManager();

  /** The operator's own requests to the API server. */
  Api api();

  interface Api {
    /**
     * Requests a second on average, client-side (client-go's QPS). Watches and the leader Lease are
     * not counted. Waits are exported as runwarden_api_client_throttled_seconds_total.
     */
    @WithDefault("300")
    double qps();

    /** Requests at once above the average (client-go's burst). */
    @WithDefault("600")
    int burst();

    /**
     * Events a second on average, client-side, in a bucket of their own so that a burst of Events
     * never holds back a decision's requests (kube-scheduler's separate event client, configured as
     * its main one). Default: {@link #qps()}.
     */
    OptionalDouble eventsQps();

    /** Events at once above {@link #eventsQps()}. Default: {@link #burst()}. */
    OptionalInt eventsBurst();

    /**
     * TLS to the API server through BoringSSL (bundled for linux x86_64 and aarch64) instead of the
     * JDK's: a fraction of the CPU. Falls back to the JDK's when the library cannot load; false
     * always uses the JDK's.
     */
    @WithDefault("true")
    boolean nativeTls();
  }

  /** Leader election: only the holder of the Lease reconciles (replicas > 1). */
  LeaderElection leaderElection();

  interface LeaderElection {
    @WithDefault("false")
    boolean enabled();

    @WithDefault("runwarden-operator")
    String leaseName();

    /**
     * This replica's name in the Lease; default: the HOSTNAME environment variable (the pod name in
     * Kubernetes), else a random id. Two replicas must never share it.
     */
    Optional<String> identity();

    /** Namespace of the Lease; default: the namespace of the operator's kubeconfig context. */
    Optional<String> leaseNamespace();
  }

  /** Garbage collection of finished runs. */
  Gc gc();

  interface Gc {
    /** Off: finished runs are never deleted by the operator. */
    @WithDefault("true")
    boolean enabled();

    /** How often the sweep runs. */
    @WithDefault("5m")
    Duration interval();

    /** Retention of a Succeeded run without spec.ttlAfterFinished. */
    @WithDefault("7d")
    Duration succeededTtl();

    /** Retention of a Failed run without spec.ttlAfterFinished. */
    @WithDefault("30d")
    Duration failedTtl();

    /** Keep at least the newest N finished runs per concurrency key, however old. */
    java.util.OptionalInt keepPerKey();

    /** Upper bound on deletions per second, so a backlog never crowds out reconciliation. */
    @WithDefault("20")
    double deletesPerSecond();

    /** Log what would be deleted and delete nothing. */
    @WithDefault("false")
    boolean dryRun();
  }

  /** The external-service probe (spec.externalService). */
  External external();

  /** Managed mode (spec.job): what a run's pod template may ask for (docs/security.md). */
  Job job();

  /** The namespace the operator runs in: runs there are refused (chart: downward API). */
  Optional<String> operatorNamespace();

  /** The operator's own service account, which no template may name. */
  Optional<String> operatorServiceAccount();

  interface Job {
    /**
     * Refuse templates beyond Pod Security's baseline (privileged, host namespaces, host paths and
     * ports, added capabilities, privilege escalation) and nodeName. Off only where admission
     * enforces as much or more.
     */
    @WithDefault("true")
    boolean podPolicy();

    /** Service accounts a template may name besides "default". */
    Optional<java.util.List<String>> allowedServiceAccounts();

    /**
     * Whether a run may carry its pod template inline (spec.job.template). Off: only
     * spec.job.templateRef to a PodTemplate in the run's namespace, so whoever may write
     * PodTemplates there decides what runs.
     */
    @WithDefault("true")
    boolean inlineTemplates();
  }

  interface External {
    /**
     * Hosts runs may ask: names, *.domain for subdomains, [address] for IPv6 literals, each
     * optionally with :port; "*" for any host. Unset: no host at all (deny by default), so a run
     * cannot make the operator call arbitrary addresses unless the platform team says so.
     */
    Optional<java.util.List<String>> allowedHosts();

    /**
     * Non-public address ranges (CIDR) a probe may reach anyway, e.g. an in-cluster service's.
     * Every other loopback, link-local, private, shared or multicast address is refused after
     * resolving.
     */
    Optional<java.util.List<String>> allowedNetworks();

    /** More ranges never to call, e.g. the cluster's pod and service CIDRs when they are public. */
    Optional<java.util.List<String>> deniedNetworks();

    /** Probes in flight at once, over all namespaces. */
    @WithDefault("16")
    int maxConcurrent();

    /** Probes in flight at once for one namespace: one tenant's hanging service stalls only it. */
    @WithDefault("4")
    int maxConcurrentPerNamespace();
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
