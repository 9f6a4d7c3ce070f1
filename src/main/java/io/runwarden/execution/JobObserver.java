package io.runwarden.execution;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.runwarden.lifecycle.AttemptObservation;
import io.runwarden.lifecycle.AttemptObservation.State;
import io.runwarden.text.UserText;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Reads attempt state from Jobs and pods. Pure: informer contents in, observations out.
 *
 * <p>The Job's conditions say how an attempt ended. Pods say whether it started, or why it can't:
 * the Job controller never fails a pod stuck in ImagePullBackOff or unschedulable, so those reasons
 * are surfaced here and turned into StartTimeout by the core when timeouts.start passes.
 */
public final class JobObserver {

  /** Waiting reasons that mean the pod will not start by itself. */
  static final Set<String> BLOCKED =
      Set.of(
          "ImagePullBackOff",
          "ErrImagePull",
          "InvalidImageName",
          "CreateContainerConfigError",
          "CreateContainerError",
          "RunContainerError");

  private JobObserver() {}

  public static Map<Integer, ObservedAttempt> observe(Collection<Job> jobs, Collection<Pod> pods) {
    Map<Integer, Job> jobByAttempt = new TreeMap<>();
    jobs.forEach(j -> AttemptJobs.attemptOf(j).ifPresent(a -> jobByAttempt.put(a, j)));
    Map<Integer, List<Pod>> podsByAttempt = new TreeMap<>();
    pods.forEach(
        p ->
            AttemptJobs.attemptOf(p)
                .ifPresent(a -> podsByAttempt.computeIfAbsent(a, k -> new ArrayList<>()).add(p)));
    Map<Integer, ObservedAttempt> out = new TreeMap<>();
    Stream.concat(jobByAttempt.keySet().stream(), podsByAttempt.keySet().stream())
        .distinct()
        .forEach(
            a -> {
              Job job = jobByAttempt.get(a);
              List<Pod> attemptPods = podsByAttempt.getOrDefault(a, List.of());
              List<Pod> live = attemptPods.stream().filter(JobObserver::live).toList();
              out.put(a, new ObservedAttempt(a, job, live, observation(job, attemptPods)));
            });
    return out;
  }

  static AttemptObservation observation(Job job, List<Pod> pods) {
    if (job != null && job.getMetadata().getDeletionTimestamp() == null) {
      if (condition(job, "Complete")) {
        return AttemptObservation.of(
            State.Succeeded, podName(pods), "Job " + name(job) + " completed");
      }
      Optional<JobCondition> failed = jobCondition(job, "Failed");
      if (failed.isPresent()) {
        for (Pod pod : pods) {
          Optional<String> disruption = disruption(pod);
          if (disruption.isPresent()) {
            return AttemptObservation.of(
                State.Disrupted, pod.getMetadata().getName(), disruption.get());
          }
        }
        return AttemptObservation.failed(
            podName(pods), failure(job, failed.get(), pods), exitCode(pods));
      }
    }
    for (Pod pod : pods) {
      if (running(pod)) {
        return AttemptObservation.of(State.Started, pod.getMetadata().getName(), "pod running");
      }
    }
    for (Pod pod : pods) {
      Optional<String> blocked = blocked(pod);
      if (blocked.isPresent()) {
        return AttemptObservation.of(State.Waiting, pod.getMetadata().getName(), blocked.get());
      }
    }
    return AttemptObservation.of(
        job == null ? State.NotCreated : State.Created, null, "waiting for the Job's pod to start");
  }

  /** Characters of a container's termination message kept (the kubelet's own cap is 4 KiB). */
  static final int TERMINATION_MESSAGE_CAP = 1024;

  private static String failure(Job job, JobCondition condition, List<Pod> pods) {
    for (Pod pod : pods) {
      for (ContainerStatus cs : containerStatuses(pod)) {
        ContainerStateTerminated t = cs.getState() == null ? null : cs.getState().getTerminated();
        if (t != null && t.getExitCode() != null && t.getExitCode() != 0) {
          // The pod's own words, readable by anyone who can read the pod: escaped and capped,
          // since status repeats them in several places.
          String message =
              t.getMessage() == null
                  ? ""
                  : ": " + UserText.escape(t.getMessage().strip(), TERMINATION_MESSAGE_CAP);
          return "pod "
              + pod.getMetadata().getName()
              + " container "
              + cs.getName()
              + " exited "
              + t.getExitCode()
              + (t.getReason() == null ? "" : " (" + t.getReason() + ")")
              + message;
        }
      }
    }
    return "Job "
        + name(job)
        + " failed: "
        + condition.getReason()
        + (condition.getMessage() == null ? "" : ": " + UserText.escape(condition.getMessage()));
  }

  /** Pod status reasons that mean the pod was taken away, not that its program failed. */
  static final Set<String> DISRUPTION_REASONS =
      Set.of("Evicted", "Preempting", "Preempted", "NodeLost", "Shutdown", "Terminated");

  /**
   * Why the pod was taken away, if it was: evicted (node pressure, the eviction API), preempted,
   * its node lost or shut down, or a DisruptionTarget condition (Kubernetes 1.26+).
   */
  static Optional<String> disruption(Pod pod) {
    if (pod.getStatus() == null) return Optional.empty();
    String reason = pod.getStatus().getReason();
    String message = pod.getStatus().getMessage();
    if (reason != null && DISRUPTION_REASONS.contains(reason)) {
      return Optional.of(
          "pod "
              + pod.getMetadata().getName()
              + " "
              + reason
              + (message == null ? "" : ": " + UserText.escape(message)));
    }
    if (pod.getStatus().getConditions() != null) {
      for (PodCondition c : pod.getStatus().getConditions()) {
        if ("DisruptionTarget".equals(c.getType()) && "True".equals(c.getStatus())) {
          return Optional.of(
              "pod "
                  + pod.getMetadata().getName()
                  + " disrupted ("
                  + c.getReason()
                  + (c.getMessage() == null ? "" : ": " + UserText.escape(c.getMessage()))
                  + ")");
        }
      }
    }
    return Optional.empty();
  }

  /** The first non-zero exit code among the attempt's containers, if one exited so. */
  static Integer exitCode(List<Pod> pods) {
    for (Pod pod : pods) {
      for (ContainerStatus cs : containerStatuses(pod)) {
        ContainerStateTerminated t = cs.getState() == null ? null : cs.getState().getTerminated();
        if (t != null && t.getExitCode() != null && t.getExitCode() != 0) {
          return t.getExitCode();
        }
      }
    }
    return null;
  }

  private static Optional<String> blocked(Pod pod) {
    for (ContainerStatus cs : containerStatuses(pod)) {
      ContainerStateWaiting w = cs.getState() == null ? null : cs.getState().getWaiting();
      if (w != null && BLOCKED.contains(w.getReason())) {
        return Optional.of(
            "pod "
                + pod.getMetadata().getName()
                + " container "
                + cs.getName()
                + ": "
                + w.getReason()
                + (w.getMessage() == null ? "" : ": " + UserText.escape(w.getMessage())));
      }
    }
    if (pod.getStatus() != null && pod.getStatus().getConditions() != null) {
      for (PodCondition c : pod.getStatus().getConditions()) {
        if ("PodScheduled".equals(c.getType()) && "False".equals(c.getStatus())) {
          return Optional.of(
              "pod "
                  + pod.getMetadata().getName()
                  + " "
                  + c.getReason()
                  + (c.getMessage() == null ? "" : ": " + UserText.escape(c.getMessage())));
        }
      }
    }
    return Optional.empty();
  }

  private static boolean running(Pod pod) {
    return pod.getStatus() != null
        && "Running".equals(pod.getStatus().getPhase())
        && pod.getMetadata().getDeletionTimestamp() == null;
  }

  /** A pod that still counts as an active attempt: not finished, not being deleted. */
  static boolean live(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return pod.getMetadata().getDeletionTimestamp() == null
        && !"Succeeded".equals(phase)
        && !"Failed".equals(phase);
  }

  private static List<ContainerStatus> containerStatuses(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return List.of();
    }
    return pod.getStatus().getContainerStatuses();
  }

  private static boolean condition(Job job, String type) {
    return jobCondition(job, type).isPresent();
  }

  private static Optional<JobCondition> jobCondition(Job job, String type) {
    if (job.getStatus() == null || job.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return job.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus()))
        .findFirst();
  }

  private static String podName(List<Pod> pods) {
    return pods.isEmpty() ? null : pods.get(0).getMetadata().getName();
  }

  private static String name(Job job) {
    return job.getMetadata().getName();
  }
}
