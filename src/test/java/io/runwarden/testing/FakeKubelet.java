package io.runwarden.testing;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;

/**
 * No kubelet or Job controller runs here, so tests play them: make a Job's pod from its template,
 * move it through waiting/running/terminated, and set the Job's final condition.
 */
public final class FakeKubelet {

  private final KubernetesClient client;

  public FakeKubelet(KubernetesClient client) {
    this.client = client;
  }

  /** What the Job controller does: a pod from the template, owned by the Job. */
  public Pod startPod(Job job) {
    var template = job.getSpec().getTemplate();
    var labels = new HashMap<>(template.getMetadata().getLabels());
    labels.put("job-name", job.getMetadata().getName());
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName(job.getMetadata().getName() + "-pod")
            .withNamespace(job.getMetadata().getNamespace())
            .withLabels(labels)
            .withAnnotations(template.getMetadata().getAnnotations())
            .withOwnerReferences(
                new OwnerReferenceBuilder()
                    .withApiVersion("batch/v1")
                    .withKind("Job")
                    .withName(job.getMetadata().getName())
                    .withUid(job.getMetadata().getUid())
                    .withController(true)
                    .build())
            .endMetadata()
            .withSpec(template.getSpec())
            .build();
    return client.resource(pod).create();
  }

  public void waiting(Pod pod, String reason, String message) {
    status(
        pod,
        "Pending",
        containerStatus(pod, false)
            .withNewState()
            .withNewWaiting()
            .withReason(reason)
            .withMessage(message)
            .endWaiting()
            .endState()
            .build());
  }

  public void running(Pod pod) {
    status(
        pod,
        "Running",
        containerStatus(pod, true)
            .withNewState()
            .withNewRunning()
            .withStartedAt(Instant.now().toString())
            .endRunning()
            .endState()
            .build());
  }

  public void terminated(Pod pod, int exitCode, String message) {
    status(
        pod,
        exitCode == 0 ? "Succeeded" : "Failed",
        containerStatus(pod, false)
            .withNewState()
            .withNewTerminated()
            .withExitCode(exitCode)
            .withReason(exitCode == 0 ? "Completed" : "Error")
            .withMessage(message)
            .withStartedAt(Instant.now().toString())
            .withFinishedAt(Instant.now().toString())
            .endTerminated()
            .endState()
            .build());
  }

  /**
   * What the kubelet does to a pod it evicts under node pressure: phase Failed, reason Evicted, the
   * container killed (exit 137).
   */
  public void evicted(Pod pod, String message) {
    terminated(pod, 137, null);
    client
        .pods()
        .inNamespace(pod.getMetadata().getNamespace())
        .withName(pod.getMetadata().getName())
        .editStatus(
            p -> {
              p.getStatus().setReason("Evicted");
              p.getStatus().setMessage(message);
              return p;
            });
  }

  /** What the Job controller does when the pod ends: Complete or Failed. */
  public void finishJob(Job job, boolean succeeded) {
    client
        .batch()
        .v1()
        .jobs()
        .inNamespace(job.getMetadata().getNamespace())
        .withName(job.getMetadata().getName())
        .editStatus(
            j -> {
              j.getStatus()
                  .setConditions(
                      List.of(
                          new JobConditionBuilder()
                              .withType(succeeded ? "Complete" : "Failed")
                              .withStatus("True")
                              .withReason(succeeded ? null : "BackoffLimitExceeded")
                              .withMessage(
                                  succeeded ? null : "Job has reached the specified backoff limit")
                              .withLastProbeTime(Instant.now().toString())
                              .withLastTransitionTime(Instant.now().toString())
                              .build()));
              if (succeeded) {
                j.getStatus().setSucceeded(1);
                j.getStatus().setCompletionTime(Instant.now().toString());
              } else {
                j.getStatus().setFailed(1);
              }
              return j;
            });
  }

  /** The first container's status, as the kubelet starts it; the state is set by the caller. */
  private static ContainerStatusBuilder containerStatus(Pod pod, boolean ready) {
    var container = pod.getSpec().getContainers().get(0);
    return new ContainerStatusBuilder()
        .withName(container.getName())
        .withImage(container.getImage())
        .withImageID("")
        .withReady(ready)
        .withRestartCount(0);
  }

  private void status(Pod pod, String phase, io.fabric8.kubernetes.api.model.ContainerStatus cs) {
    client
        .pods()
        .inNamespace(pod.getMetadata().getNamespace())
        .withName(pod.getMetadata().getName())
        .editStatus(
            p -> {
              p.getStatus().setPhase(phase);
              p.getStatus().setContainerStatuses(List.of(cs));
              return p;
            });
  }
}
