package io.runwarden.execution;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.kube.UidDelete;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * spec.job.workerAccess OwnRun: a ServiceAccount, a Role that may read the run and write only its
 * report's status, and a RoleBinding, all owned by the run (deleting the run deletes them). The
 * Role is the README's one-run Role; RBAC's escalation check lets the operator grant it only
 * because the operator holds those rights itself, so a run can never obtain more than that.
 */
@ApplicationScoped
public class WorkerCredentials {

  private static final Logger LOG = Logger.getLogger(WorkerCredentials.class);
  private static final String RBAC = "rbac.authorization.k8s.io";

  private final KubernetesClient client;

  public WorkerCredentials(KubernetesClient client) {
    this.client = client;
  }

  /** The name of the account, Role and RoleBinding of a run (at most 63 characters). */
  public static String name(String runName) {
    return AttemptJobs.shorten(runName, "-runwarden-worker");
  }

  /** The three objects, as the operator makes them. Pure. */
  public static List<HasMetadata> objects(QualificationRun run) {
    String runName = run.getMetadata().getName();
    String name = name(runName);
    return List.of(
        new ServiceAccountBuilder().withMetadata(meta(run, name)).build(),
        new RoleBuilder()
            .withMetadata(meta(run, name))
            .withRules(
                new PolicyRuleBuilder()
                    .withApiGroups("runwarden.io")
                    .withResources("qualificationruns", "qualificationrunreports")
                    .withResourceNames(runName)
                    .withVerbs("get", "watch")
                    .build(),
                new PolicyRuleBuilder()
                    .withApiGroups("runwarden.io")
                    .withResources("qualificationrunreports/status")
                    .withResourceNames(runName)
                    .withVerbs("get", "patch")
                    .build())
            .build(),
        new RoleBindingBuilder()
            .withMetadata(meta(run, name))
            .withNewRoleRef(RBAC, "Role", name)
            .addNewSubject()
            .withKind("ServiceAccount")
            .withName(name)
            .withNamespace(run.getMetadata().getNamespace())
            .endSubject()
            .build());
  }

  /**
   * Makes sure the run's credentials exist and are the run's own.
   *
   * @return why the attempt cannot run under them (for InvalidSpec), when it cannot
   */
  public Optional<String> ensure(QualificationRun run) {
    for (HasMetadata wanted : objects(run)) {
      Optional<String> refused = ensure(run, wanted);
      if (refused.isPresent()) {
        return refused;
      }
    }
    return Optional.empty();
  }

  private Optional<String> ensure(QualificationRun run, HasMetadata wanted) {
    String what = wanted.getKind() + " " + wanted.getMetadata().getName();
    // Twice at most: once more after deleting a leftover of an earlier run of the same name.
    for (int i = 0; i < 2; i++) {
      try {
        client.resource(wanted).create();
        LOG.debugf("%s/%s: created %s", run.getMetadata().getNamespace(), runName(run), what);
        return Optional.empty();
      } catch (KubernetesClientException e) {
        if (e.getCode() == 403) {
          return Optional.of(
              "spec.job.workerAccess: the operator may not create "
                  + what
                  + " (is the chart's workerAccess.enabled off?)");
        }
        if (e.getCode() != 409) {
          throw e;
        }
      }
      HasMetadata existing = client.resource(wanted).get();
      if (existing == null) {
        continue; // deleted meanwhile: create again
      }
      if (run.owns(existing)) {
        return Optional.empty();
      }
      if (!ownedByAnyRun(existing)) {
        // Someone's own account or Role: never run an attempt under credentials nobody scoped to
        // this run, and never change them.
        return Optional.of(
            "spec.job.workerAccess: "
                + what
                + " exists and is not this run's; delete it or rename the run");
      }
      LOG.infof(
          "%s/%s: %s belongs to an earlier run of this name: deleted",
          run.getMetadata().getNamespace(), runName(run), what);
      UidDelete.delete(client, existing, plural(existing));
    }
    // Not the run's fault: fail this reconcile and let the retry try again.
    throw new IllegalStateException(what + " was re-created by someone else while being replaced");
  }

  private static boolean ownedByAnyRun(HasMetadata o) {
    return o.getMetadata().getOwnerReferences() != null
        && o.getMetadata().getOwnerReferences().stream()
            .anyMatch(r -> QualificationRun.class.getSimpleName().equals(r.getKind()));
  }

  private static String plural(HasMetadata o) {
    return switch (o.getKind()) {
      case "ServiceAccount" -> "serviceaccounts";
      case "Role" -> "roles";
      default -> "rolebindings";
    };
  }

  private static String runName(QualificationRun run) {
    return run.getMetadata().getName();
  }

  private static ObjectMeta meta(QualificationRun run, String name) {
    return new ObjectMetaBuilder()
        .withName(name)
        .withNamespace(run.getMetadata().getNamespace())
        .withLabels(Map.of(AttemptJobs.LABEL_RUN, AttemptJobs.runLabel(runName(run))))
        .withAnnotations(Map.of(AttemptJobs.ANNOTATION_RUN_NAME, runName(run)))
        .withOwnerReferences(
            new OwnerReferenceBuilder()
                .withApiVersion(run.getApiVersion())
                .withKind(run.getKind())
                .withName(runName(run))
                .withUid(run.getMetadata().getUid())
                .withController(true)
                .build())
        .build();
  }
}
