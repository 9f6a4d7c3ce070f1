package io.runwarden.execution;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.runwarden.api.v1alpha1.QualificationRun;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Names, labels and the Job object of an attempt. Pure: the same inputs, the same Job. */
public final class AttemptJobs {

  public static final String LABEL_RUN = "runwarden.io/run";
  public static final String LABEL_ATTEMPT = "runwarden.io/attempt";

  /** Full run name: label values stop at 63 characters, annotations don't. */
  public static final String ANNOTATION_RUN_NAME = "runwarden.io/run-name";

  public static final String ENV_RUN = "RUNWARDEN_RUN";
  public static final String ENV_NAMESPACE = "RUNWARDEN_NAMESPACE";
  public static final String ENV_ATTEMPT = "RUNWARDEN_ATTEMPT";
  public static final String ENV_CHECKPOINT = "RUNWARDEN_CHECKPOINT";
  public static final String ENV_SERVICE_JOB_ID = "RUNWARDEN_SERVICE_JOB_ID";

  private static final int MAX_NAME = 63;

  private AttemptJobs() {}

  /**
   * Deterministic, so creating it twice (say, after a crash between deciding and creating) finds
   * the first one instead of making a second. Job names are label values (job-name), hence 63.
   */
  public static String jobName(String runName, int attempt) {
    return shorten(runName, "-" + attempt);
  }

  /** The run's name as a label value: itself when it fits, else a prefix plus a hash. */
  public static String runLabel(String runName) {
    return shorten(runName, "");
  }

  static String shorten(String name, String suffix) {
    if (name.length() + suffix.length() <= MAX_NAME) {
      return name + suffix;
    }
    String hash = hash(name);
    int keep = MAX_NAME - suffix.length() - hash.length() - 1;
    String prefix = name.substring(0, keep).replaceAll("[-.]+$", "");
    return prefix + "-" + hash + suffix;
  }

  private static String hash(String s) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Which attempt a Job or pod belongs to, from its label; empty when it is not ours. */
  public static Optional<Integer> attemptOf(HasMetadata resource) {
    Map<String, String> labels = resource.getMetadata().getLabels();
    String value = labels == null ? null : labels.get(LABEL_ATTEMPT);
    try {
      return value == null ? Optional.empty() : Optional.of(Integer.parseInt(value));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * The Job of one attempt: one pod, never restarted or retried by Kubernetes (Runwarden owns
   * retries), owned by the run so deleting the run deletes it, and with an active deadline as a
   * second line of defence should the operator be down.
   */
  public static Job build(
      QualificationRun run,
      int attempt,
      String checkpoint,
      String serviceJobId,
      Duration activeDeadline,
      KubernetesSerialization serialization) {
    String name = run.getMetadata().getName();
    String ns = run.getMetadata().getNamespace();
    Map<String, String> labels = new LinkedHashMap<>();
    if (run.getSpec().getJob().getLabels() != null) {
      labels.putAll(run.getSpec().getJob().getLabels());
    }
    labels.put(LABEL_RUN, runLabel(name));
    labels.put(LABEL_ATTEMPT, Integer.toString(attempt));
    Map<String, String> annotations = Map.of(ANNOTATION_RUN_NAME, name);

    // A deep copy: the template belongs to the run in the informer cache.
    PodTemplateSpec template = serialization.clone(run.getSpec().getJob().getTemplate());
    if (template.getMetadata() == null) {
      template.setMetadata(new ObjectMeta());
    }
    Map<String, String> podLabels =
        template.getMetadata().getLabels() == null
            ? new LinkedHashMap<>()
            : new LinkedHashMap<>(template.getMetadata().getLabels());
    podLabels.put(LABEL_RUN, runLabel(name));
    podLabels.put(LABEL_ATTEMPT, Integer.toString(attempt));
    template.getMetadata().setLabels(podLabels);
    Map<String, String> podAnnotations =
        template.getMetadata().getAnnotations() == null
            ? new LinkedHashMap<>()
            : new LinkedHashMap<>(template.getMetadata().getAnnotations());
    podAnnotations.putAll(annotations);
    template.getMetadata().setAnnotations(podAnnotations);
    if (template.getSpec() != null) {
      template.getSpec().setRestartPolicy("Never");
      if (run.getSpec().getJob().ownRunAccess()) {
        template.getSpec().setServiceAccountName(WorkerCredentials.name(name));
      }
      List<EnvVar> env = new ArrayList<>();
      env.add(new EnvVar(ENV_RUN, name, null));
      env.add(new EnvVar(ENV_NAMESPACE, ns, null));
      env.add(new EnvVar(ENV_ATTEMPT, Integer.toString(attempt), null));
      if (checkpoint != null) env.add(new EnvVar(ENV_CHECKPOINT, checkpoint, null));
      if (serviceJobId != null) env.add(new EnvVar(ENV_SERVICE_JOB_ID, serviceJobId, null));
      if (template.getSpec().getContainers() != null) {
        template.getSpec().getContainers().forEach(c -> withEnv(c, env));
      }
    }

    return new JobBuilder()
        .withNewMetadata()
        .withName(jobName(name, attempt))
        .withNamespace(ns)
        .withLabels(labels)
        .withAnnotations(annotations)
        .withOwnerReferences(
            new OwnerReferenceBuilder()
                .withApiVersion(run.getApiVersion())
                .withKind(run.getKind())
                .withName(name)
                .withUid(run.getMetadata().getUid())
                .withController(true)
                .build())
        .endMetadata()
        .withNewSpec()
        .withBackoffLimit(0)
        .withActiveDeadlineSeconds(Math.max(1, activeDeadline.toSeconds()))
        .withTemplate(template)
        .endSpec()
        .build();
  }

  private static void withEnv(Container c, List<EnvVar> ours) {
    List<EnvVar> env = new ArrayList<>();
    if (c.getEnv() != null) {
      c.getEnv().stream()
          .filter(e -> ours.stream().noneMatch(o -> o.getName().equals(e.getName())))
          .forEach(env::add);
    }
    env.addAll(ours);
    c.setEnv(env);
  }
}
