package io.runwarden.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.runwarden.testing.ChartRbac;
import io.runwarden.testing.Readme;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The install command of the README ("Install with Helm") and of docs/operations.md ("Install with
 * Helm"), rendered by a real Helm exactly as its line sets the chart: everything the README says it
 * installs, the image the line names. HelmChartIT applies the chart to the real API server.
 */
@Tag("pure")
class InstallCommandTest {

  private static final KubernetesSerialization YAML = new KubernetesSerialization();

  private static final Pattern INSTALL =
      Pattern.compile(
          "helm install (\\S+) (\\S+) -n (\\S+) --create-namespace \\\\\n"
              + "\\s+--set image.repository=(\\S+) --set image.tag=(\\S+)\n");

  @Test
  void theReadmesInstallCommandInstallsWhatItSaysWithTheImageItNames() {
    String block = Readme.blocks("Install with Helm").get(0);
    assertThat(Readme.blocks("docs/operations.md", "Install with Helm").get(0))
        .as("the operations guide's command is the README's")
        .isEqualTo(block);
    Matcher m = INSTALL.matcher(block);
    assertThat(m.matches()).as(block).isTrue();
    assertThat(m.group(2)).isEqualTo("deploy/helm/runwarden");

    String rendered =
        new Helm(ChartRbac.CHART)
            .template()
            .withName(m.group(1))
            .withNamespace(m.group(3))
            .set("image.repository", m.group(4))
            .set("image.tag", m.group(5))
            .call();
    List<GenericKubernetesResource> objects = ChartRbac.objects(rendered);
    String release = m.group(1);

    // helm install applies the chart's crds/ before its templates (helm template leaves them out).
    assertThat(ChartRbac.CHART.resolve("crds").toFile().list())
        .containsExactlyInAnyOrder(
            "qualificationruns.runwarden.io-v1.yml", "qualificationrunreports.runwarden.io-v1.yml");
    assertThat(names(objects, "ClusterRole"))
        .contains(release + "-worker", release + "-edit", release + "-view");
    assertThat(names(objects, "Service")).containsExactly(release + "-metrics");
    GenericKubernetesResource deployment =
        objects.stream().filter(o -> o.getKind().equals("Deployment")).findFirst().orElseThrow();
    assertThat(deployment.getMetadata().getNamespace()).isEqualTo(m.group(3));
    assertThat(YAML.asYaml(deployment))
        .contains("image: \"" + m.group(4) + ":" + m.group(5) + "\"");
  }

  private static List<String> names(List<GenericKubernetesResource> objects, String kind) {
    return objects.stream()
        .filter(o -> o.getKind().equals(kind))
        .map(o -> o.getMetadata().getName())
        .toList();
  }
}
