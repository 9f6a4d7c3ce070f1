package io.runwarden.controller;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.kube.ApiErrors;
import io.runwarden.kube.DirectWrites;
import io.runwarden.lifecycle.RunEvent;
import io.runwarden.lifecycle.Times;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
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
 *
 * <p>Repeats are correlated ({@link EventSeries}): one Event object per run and reason whose count
 * goes up, at most one send per series at a time, and a fair share of the queue per namespace.
 */
@ApplicationScoped
public class RunEvents {

  private static final Logger LOG = Logger.getLogger(RunEvents.class);
  static final String COMPONENT = "runwarden";

  private static final int QUEUE = 10_000;
  private static final int SENDERS = 4;

  /** Series of one namespace that may wait to be sent: a tenth of the queue. */
  static final int PER_NAMESPACE = QUEUE / 10;

  private static final DirectWrites.Collection EVENTS = DirectWrites.collection(Event.class);

  private final DirectWrites writes;
  private final KubernetesSerialization serialization;
  private final Clock clock;
  private final Counter dropped;
  private final ThreadPoolExecutor senders;
  private final EventSeries correlator = new EventSeries(PER_NAMESPACE);

  public RunEvents(KubernetesClient client, Clock clock, MeterRegistry registry) {
    this.writes = new DirectWrites(client);
    this.serialization = client.getKubernetesSerialization();
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
            new ThreadPoolExecutor.AbortPolicy());
  }

  @PreDestroy
  void stop() {
    senders.shutdown();
  }

  public void publish(QualificationRun run, RunEvent event) {
    String ns = run.getMetadata().getNamespace();
    String name = run.getMetadata().getName();
    LOG.infof("%s/%s: %s %s: %s", ns, name, event.type(), event.reason(), event.message());
    var key =
        new EventSeries.Key(
            ns, name, run.getMetadata().getUid(), event.type().name(), event.reason());
    Instant now = clock.instant();
    switch (correlator.record(key, truncate(event.message()), now)) {
      case MERGED -> {}
      case DROPPED -> dropped.increment();
      case QUEUE -> queue(correlator.series(key), run);
    }
  }

  /**
   * One send of a series, serialized per series by {@link EventSeries}: creates its Event object or
   * raises the count and last timestamp of the one created before (with the newest message).
   */
  private void queue(EventSeries.Series series, QualificationRun run) {
    var involved =
        new ObjectReferenceBuilder()
            .withApiVersion(run.getApiVersion())
            .withKind(run.getKind())
            .withName(run.getMetadata().getName())
            .withNamespace(run.getMetadata().getNamespace())
            .withUid(run.getMetadata().getUid())
            .withResourceVersion(run.getMetadata().getResourceVersion())
            .build();
    Runnable send =
        new Runnable() {
          @Override
          public void run() {
            boolean created = write(series, involved);
            if (correlator.done(series, created)) {
              submit(this, series);
            }
          }
        };
    submit(send, series);
  }

  private void submit(Runnable send, EventSeries.Series series) {
    try {
      senders.execute(send);
    } catch (RejectedExecutionException e) {
      correlator.abandon(series);
      dropped.increment();
    }
  }

  /**
   * @return whether the series' Event object exists afterwards
   */
  private boolean write(EventSeries.Series series, ObjectReference involved) {
    EventSeries.Send send = correlator.take(series);
    EventSeries.Key key = send.key();
    String message = send.message();
    try {
      if (send.created()) {
        var patch =
            new EventBuilder()
                .withCount(send.count())
                .withLastTimestamp(Times.format(send.last()))
                .withMessage(message)
                .build();
        try {
          writes.send(
              "PATCH",
              EVENTS.object(key.namespace(), send.eventName(), null),
              DirectWrites.MERGE,
              serialization.asJson(patch));
          return true;
        } catch (KubernetesClientException e) {
          if (e.getCode() != 404) throw e;
          correlator.recreate(series, clock.instant()); // expired (events live ~1 h): anew
          return write(series, involved);
        }
      }
      Event event =
          new EventBuilder()
              .withNewMetadata()
              .withName(send.eventName())
              .withNamespace(key.namespace())
              .endMetadata()
              .withInvolvedObject(involved)
              .withType(key.type())
              .withReason(key.reason())
              .withMessage(message)
              .withNewSource(COMPONENT, null)
              .withReportingComponent(COMPONENT)
              .withReportingInstance(COMPONENT)
              .withFirstTimestamp(Times.format(send.first()))
              .withLastTimestamp(Times.format(send.last()))
              .withCount(send.count())
              .build();
      // The API server's answer is left unread: nothing here needs the stored Event.
      writes.send(
          "POST", EVENTS.in(key.namespace()), DirectWrites.JSON, serialization.asJson(event));
      return true;
    } catch (KubernetesClientException e) {
      LOG.warnf(
          "%s/%s: could not record event %s: %s",
          key.namespace(), key.name(), key.reason(), ApiErrors.said(e));
      return send.created();
    }
  }

  /** The API server refuses event messages over 1 KiB. */
  private static String truncate(String message) {
    return message.length() <= 1024 ? message : message.substring(0, 1021) + "...";
  }
}
