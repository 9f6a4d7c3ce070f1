package io.runwarden.health;

import io.javaoperatorsdk.operator.Operator;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.runwarden.informer.EarlyInformers;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * Starts the Operator SDK beside the HTTP server instead of before it
 * (quarkus.operator-sdk.start-operator=false), and knows when that start has returned: the
 * informers are filled ({@link StartedCheck}, the startup probe).
 *
 * <p>Why: started in line, as the extension does, the operator filled its caches before Quarkus
 * opened the HTTP port, and the port then opened behind the event loops' first burst of work
 * (reconciles of every run, new TLS connections): 1.2 s of one 11,000-run restart went to that
 * (docs/performance.md). Started beside it, the probes answer within Quarkus' own start-up: the
 * startup probe and readiness ({@link InformersReadiness}) say "not yet" while the cache fills,
 * liveness ({@link EventProcessingLiveness}) says alive, and Prometheus can scrape a slow start
 * instead of finding the target down. The kubelet's semantics stay as they were: liveness is not
 * asked before the startup probe passes.
 *
 * <p>A start that fails (no rights to list runs, no CRD) exits the process with status 1, as the
 * in-line start did by failing Quarkus' start-up: a pod that crash-loops says so, one that stays up
 * unready would only be restarted when the startup probe's budget ran out.
 */
@ApplicationScoped
public class OperatorStart {

  private static final Logger LOG = Logger.getLogger(OperatorStart.class);

  private final Operator operator;
  private final EarlyInformers earlyInformers;

  /**
   * Ours, not the Operator SDK's RuntimeInfo: that one takes the controller manager's lock, which
   * its start holds until every informer is filled, so a probe that asked it hung for the whole
   * start instead of saying "not yet".
   */
  private volatile boolean started;

  public OperatorStart(Operator operator, EarlyInformers earlyInformers) {
    this.operator = operator;
    this.earlyInformers = earlyInformers;
  }

  void onStart(@Observes StartupEvent event) {
    Thread starter =
        new Thread(
            () -> {
              try {
                // The Operator bean is made on first use; making it registers the controller,
                // which prepares its event sources: only then are there informers to start.
                operator.getRegisteredControllersNumber();
                earlyInformers.startEach();
                operator.start();
                started = true;
                LOG.info("Operator started: informers filled, reconciling");
              } catch (RuntimeException | Error e) {
                LOG.error("The operator could not start: exiting", e);
                Quarkus.asyncExit(1);
              }
            },
            "runwarden-operator-start");
    starter.setDaemon(true);
    starter.start();
  }

  void onStop(@Observes ShutdownEvent event) {
    operator.stop();
  }

  /** Whether the operator's start has returned: its informers are filled. */
  public boolean started() {
    return started;
  }
}
