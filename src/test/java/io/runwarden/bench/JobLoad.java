package io.runwarden.bench;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.runwarden.lifecycle.Times;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * The anchor: N batch/v1 Jobs with activeDeadlineSeconds under kube-controller-manager's Job
 * controller, created at the same rate as the runs. Their pods never run (no kubelet), so every Job
 * ends by its deadline. Lateness is observed the same way as for runs: the moment the watch
 * delivers the Failed/DeadlineExceeded condition minus status.startTime + activeDeadlineSeconds
 * (the controller's own rule; startTime has one-second resolution).
 */
final class JobLoad {

  static final long DEADLINE_SECONDS = 10;

  final Lateness lateness = new Lateness();
  final Map<String, Instant> enforced = new ConcurrentHashMap<>();
  Instant firstCreate;
  Instant lastCreate;

  private final KubernetesClient client;
  private final String namespace;
  private final int n;
  private final double createsPerSecond;

  JobLoad(KubernetesClient client, String namespace, int n, double createsPerSecond) {
    this.client = client;
    this.namespace = namespace;
    this.n = n;
    this.createsPerSecond = createsPerSecond;
  }

  void run(Duration cap) {
    SharedIndexInformer<Job> informer =
        client.batch().v1().jobs().inNamespace(namespace).inform(Arrivals.onChange(this::observe));
    firstCreate = Instant.now();
    Arrivals.paced(n, createsPerSecond, i -> create("job-" + i), () -> {});
    lastCreate = Instant.now();
    Instant giveUp = lastCreate.plus(Duration.ofSeconds(DEADLINE_SECONDS)).plus(cap);
    while (Instant.now().isBefore(giveUp) && enforced.size() < n) {
      LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
    }
    informer.close();
    lateness.missed(n - enforced.size());
  }

  private void create(String name) {
    String yaml =
        """
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: %s
          labels: {runwarden.io/bench: anchor}
        spec:
          activeDeadlineSeconds: %d
          backoffLimit: 0
          template:
            spec:
              restartPolicy: Never
              automountServiceAccountToken: false
              containers:
                - name: work
                  image: runwarden.invalid/never-runs:1
        """
            .formatted(name, DEADLINE_SECONDS);
    try {
      client
          .batch()
          .v1()
          .jobs()
          .inNamespace(namespace)
          .resource(client.getKubernetesSerialization().unmarshal(yaml, Job.class))
          .create();
    } catch (RuntimeException e) {
      System.out.println("create " + name + " failed: " + e.getMessage());
    }
  }

  private void observe(Job j) {
    Instant now = Instant.now();
    if (j.getStatus() == null || j.getStatus().getConditions() == null) return;
    for (JobCondition c : j.getStatus().getConditions()) {
      if ("Failed".equals(c.getType())
          && "DeadlineExceeded".equals(c.getReason())
          && enforced.putIfAbsent(j.getMetadata().getName(), now) == null) {
        Instant started = Times.parse(j.getStatus().getStartTime());
        lateness.add(
            RunLoad.seconds(
                started.plus(Duration.ofSeconds(j.getSpec().getActiveDeadlineSeconds())), now));
      }
    }
  }

  Instant lastEnforced() {
    return enforced.values().stream().max(Instant::compareTo).orElse(null);
  }
}
