package io.runwarden.testing;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Helm chart's service account and RBAC, rendered by a real Helm and applied to the test
 * cluster, plus a kubeconfig holding a token of that service account: an operator started with it
 * can do exactly what the chart grants and nothing more (the API server enforces RBAC).
 */
public final class ChartRbac {

  public static final Path CHART = TestCluster.projectDir().resolve("deploy/helm/runwarden");
  static final Set<String> RBAC_KINDS =
      Set.of("ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding");

  private ChartRbac() {}

  private static final KubernetesSerialization YAML = new KubernetesSerialization();

  /** A render's objects, read without a cluster, in the order Helm would apply them. */
  public static List<GenericKubernetesResource> objects(String rendered) {
    return Arrays.stream(rendered.split("\n---"))
        .filter(doc -> doc.contains("kind:"))
        .map(doc -> YAML.unmarshal(doc, GenericKubernetesResource.class))
        .toList();
  }

  /** Installs release {@code release}'s RBAC into {@code ns}; returns the token kubeconfig. */
  public static Path install(String release, String ns) {
    return install(release, ns, Map.of());
  }

  /** With chart values set, e.g. externalService.secretAccess=true. */
  public static Path install(String release, String ns, Map<String, Object> values) {
    KubernetesClient client = TestCluster.get().client();
    var template = new Helm(CHART).template().withName(release).withNamespace(ns);
    values.forEach(template::set);
    String yaml = template.call();
    List<HasMetadata> rbac =
        client
            .load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)))
            .items()
            .stream()
            .filter(o -> RBAC_KINDS.contains(o.getKind()))
            .toList();
    rbac.forEach(o -> client.resource(o).serverSideApply());
    return kubeconfigFor(release + "-runwarden", ns);
  }

  /**
   * A kubeconfig holding a token of service account {@code name} in {@code ns}: a client that uses
   * it can do what that account's bindings grant and nothing more.
   */
  public static Path kubeconfigFor(String name, String ns) {
    String token =
        TestCluster.get()
            .client()
            .serviceAccounts()
            .inNamespace(ns)
            .withName(name)
            .tokenRequest(
                new TokenRequestBuilder()
                    .withNewSpec()
                    .withExpirationSeconds(3600L)
                    .endSpec()
                    .build())
            .getStatus()
            .getToken();
    return kubeconfig(token, ns, name);
  }

  /**
   * A new service account {@code name} in {@code ns}, bound there to ClusterRole {@code role} (as a
   * namespace's user would be), and a kubeconfig holding its token.
   */
  public static Path kubeconfigForAccountBoundTo(String name, String ns, String role) {
    return kubeconfigForAccountBoundTo(name, ns, "ClusterRole", role);
  }

  /** As above, bound to a Role or a ClusterRole ({@code roleKind}). */
  public static Path kubeconfigForAccountBoundTo(
      String name, String ns, String roleKind, String role) {
    KubernetesClient client = TestCluster.get().client();
    client
        .serviceAccounts()
        .inNamespace(ns)
        .resource(
            new ServiceAccountBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
    client
        .rbac()
        .roleBindings()
        .inNamespace(ns)
        .resource(
            new RoleBindingBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", roleKind, role)
                .addNewSubject()
                .withKind("ServiceAccount")
                .withName(name)
                .withNamespace(ns)
                .endSubject()
                .build())
        .create();
    return kubeconfigFor(name, ns);
  }

  private static Path kubeconfig(String token, String ns, String release) {
    Config admin = TestCluster.get().config();
    String yaml =
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: test
          cluster:
            server: %s
            certificate-authority: %s
        users:
        - name: runwarden
          user:
            token: %s
        contexts:
        - name: runwarden
          context: {cluster: test, user: runwarden, namespace: %s}
        current-context: runwarden
        """
            .formatted(admin.getMasterUrl(), admin.getCaCertFile(), token, ns);
    Path file =
        TestCluster.projectDir()
            .resolve("target/test-cluster/" + release + "-" + ns + "-sa.kubeconfig");
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }
}
