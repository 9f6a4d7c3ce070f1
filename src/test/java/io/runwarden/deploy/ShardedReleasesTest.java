package io.runwarden.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.runwarden.testing.ChartRbac;
import io.runwarden.testing.Readme;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * docs/operations.md's two shard releases, rendered by a real Helm exactly as the docs' lines set
 * them: disjoint namespaces, each release with Roles there and no cluster-wide grant beyond reading
 * the CRDs. LeaderFailoverIT runs two such shards.
 */
@Tag("pure")
class ShardedReleasesTest {

  @Test
  void theDocumentedReleasesWatchDisjointNamespacesWithRolesThereOnly() {
    String block = Readme.blocks("docs/operations.md", "Scaling out: shards").get(0);
    Matcher m =
        Pattern.compile(
                "helm install (\\S+) deploy/helm/runwarden -n (\\S+) --create-namespace \\\\\n"
                    + "\\s+--set 'watchNamespaces=(\\{[^}]*\\})'")
            .matcher(block);
    Set<String> watched = new HashSet<>();
    int releases = 0;
    while (m.find()) {
      releases++;
      String values = m.group(3);
      List<String> namespaces = List.of(values.substring(1, values.length() - 1).split(","));
      for (String ns : namespaces) {
        assertThat(watched.add(ns)).as(ns + " in one release only").isTrue();
      }
      var template = new Helm(ChartRbac.CHART).template().withName(m.group(1));
      template.withNamespace(m.group(2));
      // The CLI reads --set 'key={a,b}' as a list; helm-java takes its items one by one.
      for (int i = 0; i < namespaces.size(); i++) {
        template.set("watchNamespaces[" + i + "]", namespaces.get(i));
      }
      List<GenericKubernetesResource> objects = ChartRbac.objects(template.call());
      assertThat(objects.stream().filter(o -> o.getKind().equals("ClusterRoleBinding")))
          .as("cluster-wide, only reading the CRDs")
          .allMatch(o -> o.getMetadata().getName().endsWith("-crd-reader"));
      assertThat(
              objects.stream()
                  .filter(o -> o.getKind().equals("Role"))
                  .map(o -> o.getMetadata().getNamespace())
                  .collect(Collectors.toSet()))
          .containsAll(namespaces);
    }
    assertThat(releases).isEqualTo(2);
  }
}
