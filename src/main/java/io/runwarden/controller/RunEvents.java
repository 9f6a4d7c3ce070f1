package io.runwarden.controller;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.lifecycle.RunEvent;
import io.runwarden.lifecycle.Times;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import org.jboss.logging.Logger;

/**
 * Publishes a transition where Kubernetes users look (a core/v1 Event on the run, shown by {@code
 * kubectl describe}) and as one log line. Best effort: a lost event never fails a reconcile.
 */
@ApplicationScoped
public class RunEvents {

  private static final Logger LOG = Logger.getLogger(RunEvents.class);
  static final String COMPONENT = "runwarden";

  private final KubernetesClient client;
  private final Clock clock;

  public RunEvents(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
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
    try {
      client.v1().events().inNamespace(ns).resource(k8sEvent).create();
    } catch (KubernetesClientException e) {
      LOG.warnf("%s/%s: could not record event %s: %s", ns, name, event.reason(), e.getMessage());
    }
  }

  /** The API server refuses event messages over 1 KiB. */
  private static String truncate(String message) {
    return message.length() <= 1024 ? message : message.substring(0, 1021) + "...";
  }
}
