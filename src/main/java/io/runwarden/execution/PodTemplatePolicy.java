package io.runwarden.execution;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.runwarden.api.v1alpha1.QualificationRun;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a run's pod template may ask for. The operator creates the attempt's Job with its own
 * identity, so without this a user who may only create runs could run privileged pods, mount the
 * node's disk, or borrow the operator's account. The rules are Pod Security's "baseline" level (no
 * privileged containers, host namespaces, host paths or ports, added capabilities beyond the
 * default set, privilege escalation) plus: no {@code nodeName}, and a service account only from the
 * operator's allowed list (never the operator's own), and a template of at most {@link
 * #MAX_TEMPLATE_BYTES}. (Runs in the operator's own namespace are refused by the lifecycle.) Pod
 * Security admission or a policy engine should still guard tenant namespaces (docs/security.md);
 * this makes the operator refuse instead of relying on them. Pure.
 *
 * @param enabled false only where admission enforces as much or more
 * @param allowedServiceAccounts accounts a template may name; {@code default} is always allowed
 * @param operatorServiceAccount the operator's own account (empty when unknown)
 */
public record PodTemplatePolicy(
    boolean enabled, Set<String> allowedServiceAccounts, Optional<String> operatorServiceAccount) {

  /**
   * The largest pod template, as JSON, that becomes a Job. The template is the one part of a spec
   * the schema cannot bound (every other field has a maxLength or maxItems); a Job carrying a
   * megabyte of template would cost every watcher of Jobs that megabyte on each change.
   */
  public static final int MAX_TEMPLATE_BYTES = 64 * 1024;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Pod Security baseline's allowed capability additions. */
  static final Set<String> BASELINE_CAPABILITIES =
      Set.of(
          "AUDIT_WRITE",
          "CHOWN",
          "DAC_OVERRIDE",
          "FOWNER",
          "FSETID",
          "KILL",
          "MKNOD",
          "NET_BIND_SERVICE",
          "SETFCAP",
          "SETGID",
          "SETPCAP",
          "SETUID",
          "SYS_CHROOT");

  /**
   * @return the first thing the template may not ask for, as "field: problem" naming the spec
   *     field, or empty
   */
  public Optional<String> violation(QualificationRun run) {
    int size = size(run.getSpec().getJob().getTemplate());
    if (size > MAX_TEMPLATE_BYTES) {
      return Optional.of(
          "spec.job.template: "
              + size
              + " bytes of JSON, over the limit of "
              + MAX_TEMPLATE_BYTES
              + " (mount large data from a ConfigMap instead)");
    }
    PodSpec pod = run.getSpec().getJob().getTemplate().getSpec();
    if (pod == null) {
      return Optional.empty();
    }
    String at = "spec.job.template.spec.";
    String account =
        pod.getServiceAccountName() != null ? pod.getServiceAccountName() : pod.getServiceAccount();
    if (account != null && operatorServiceAccount.filter(account::equals).isPresent()) {
      return Optional.of(at + "serviceAccountName: the operator's own account may not be used");
    }
    if (!enabled) {
      return Optional.empty();
    }
    if (account != null
        && !"default".equals(account)
        && !allowedServiceAccounts.contains(account)) {
      return Optional.of(
          at
              + "serviceAccountName: "
              + account
              + " is not in the operator's runwarden.job.allowed-service-accounts"
              + " (or use spec.job.workerAccess: OwnRun)");
    }
    if (Boolean.TRUE.equals(pod.getHostNetwork())) return refuse(at + "hostNetwork");
    if (Boolean.TRUE.equals(pod.getHostPID())) return refuse(at + "hostPID");
    if (Boolean.TRUE.equals(pod.getHostIPC())) return refuse(at + "hostIPC");
    if (pod.getNodeName() != null) return refuse(at + "nodeName");
    List<Volume> volumes = pod.getVolumes() == null ? List.of() : pod.getVolumes();
    for (int i = 0; i < volumes.size(); i++) {
      if (volumes.get(i).getHostPath() != null) return refuse(at + "volumes[" + i + "].hostPath");
    }
    Optional<String> bad = containers(at + "containers", pod.getContainers());
    if (bad.isEmpty()) bad = containers(at + "initContainers", pod.getInitContainers());
    return bad;
  }

  private static Optional<String> containers(String at, List<Container> containers) {
    if (containers == null) return Optional.empty();
    for (int i = 0; i < containers.size(); i++) {
      Container c = containers.get(i);
      String here = at + "[" + i + "].";
      SecurityContext sc = c.getSecurityContext();
      if (sc != null) {
        if (Boolean.TRUE.equals(sc.getPrivileged())) {
          return refuse(here + "securityContext.privileged");
        }
        if (Boolean.TRUE.equals(sc.getAllowPrivilegeEscalation())) {
          return refuse(here + "securityContext.allowPrivilegeEscalation");
        }
        Capabilities caps = sc.getCapabilities();
        if (caps != null && caps.getAdd() != null) {
          for (String cap : caps.getAdd()) {
            String name = cap.startsWith("CAP_") ? cap.substring(4) : cap;
            if (!BASELINE_CAPABILITIES.contains(name)) {
              return refuse(here + "securityContext.capabilities.add");
            }
          }
        }
      }
      if (c.getPorts() != null) {
        for (ContainerPort p : c.getPorts()) {
          if (p.getHostPort() != null && p.getHostPort() != 0) {
            return refuse(here + "ports.hostPort");
          }
        }
      }
    }
    return Optional.empty();
  }

  private static int size(Object template) {
    try {
      return JSON.writeValueAsBytes(template).length;
    } catch (JsonProcessingException e) {
      return Integer.MAX_VALUE; // what cannot be written out cannot be sent as a Job either
    }
  }

  private static Optional<String> refuse(String field) {
    return Optional.of(field + ": not allowed by the operator's pod policy (docs/security.md)");
  }
}
