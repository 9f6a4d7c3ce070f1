package io.runwarden.controller;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.lifecycle.RunEvent;
import io.runwarden.lifecycle.Times;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Publishes a transition where Kubernetes users look (a core/v1 Event on the run, shown by {@code
 * kubectl describe}) and as one log line. Best effort: a lost event never fails a reconcile.
 *
 * <p>Events are sent off the reconcile thread, like client-go's event broadcaster: under load an
 * event create waits on the API server as long as a status write does, and a reconcile that waits
 * for its events holds a worker thread that other runs' deadlines need (issue #8's benchmark). The
 * queue is bounded; when it overflows the event is dropped and counted, never the reconcile.
 */
@ApplicationScoped
public class RunEvents {

  private static final Logger LOG = Logger.getLogger(RunEvents.class);
  static final String COMPONENT = "runwarden";

  private static final int QUEUE = 10_000;
  private static final int SENDERS = 4;

  private final KubernetesClient client;
  private final Clock clock;
  private final Counter dropped;
  private final ThreadPoolExecutor senders;

  public RunEvents(KubernetesClient client, Clock clock, MeterRegistry registry) {
    this.client = client;
    this.clock = clock;
    this.dropped =
        Counter.builder("runwarden_events_dropped_total")
            .description("Kubernetes Events not sent because the send queue was full")
            .register(registry);
    AtomicInteger threads = new AtomicInteger();
    this.senders =
        new ThreadPoolExecutor(
            SENDERS,
            SENDERS,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(QUEUE),
            r -> {
              Thread t = new Thread(r, "runwarden-events-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            },
            (r, pool) -> dropped.increment());
  }

  @PreDestroy
  void stop() {
    senders.shutdown();
  }

  public void publish(QualificationRun run, RunEvent event) {
    String ns = run.getMetadata().getNamespace();
    String name = run.getMetadata().getName();
    LOG.infof("%s/%s: %s %s: %s", ns, name, event.type(), event.reason(), event.message());
    String now = Times.format(clock.instant());
    var k8sEvent =
        new EventBuilder()
            .withNewMetadata()
            .withGenerateName(name + ".")
            .withNamespace(ns)
            .endMetadata()
            .withInvolvedObject(
                new ObjectReferenceBuilder()
                    .withApiVersion(run.getApiVersion())
                    .withKind(run.getKind())
                    .withName(name)
                    .withNamespace(ns)
                    .withUid(run.getMetadata().getUid())
                    .withResourceVersion(run.getMetadata().getResourceVersion())
                    .build())
            .withType(event.type().name())
            .withReason(event.reason())
            .withMessage(truncate(event.message()))
            .withNewSource(COMPONENT, null)
            .withReportingComponent(COMPONENT)
            .withReportingInstance(COMPONENT)
            .withFirstTimestamp(now)
            .withLastTimestamp(now)
            .withCount(1)
            .build();
    senders.execute(
        () -> {
          try {
            client.v1().events().inNamespace(ns).resource(k8sEvent).create();
          } catch (KubernetesClientException e) {
            LOG.warnf(
                "%s/%s: could not record event %s: %s", ns, name, event.reason(), e.getMessage());
          }
        });
  }

  /** The API server refuses event messages over 1 KiB. */
  private static String truncate(String message) {
    return message.length() <= 1024 ? message : message.substring(0, 1021) + "...";
  }
}
