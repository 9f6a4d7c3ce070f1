package io.runwarden.kube;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("pure")
class FirstListFromCacheTest {

  private static final String RUNS =
      "https://127.0.0.1:6443/apis/runwarden.io/v1alpha1/qualificationruns";

  private final FirstListFromCache interceptor = new FirstListFromCache();

  @Test
  void anInformersFirstListIsServedFromTheWatchCacheAndItsRelistIsNot() {
    assertThat(interceptor.rewrite("GET", URI.create(RUNS + "?limit=500")))
        .isEqualTo(URI.create(RUNS + "?limit=500&resourceVersion=0"));
    // The relist after an expired watch: paged and consistent, from etcd.
    assertThat(interceptor.rewrite("GET", URI.create(RUNS + "?limit=500"))).isNull();
  }

  @Test
  void eachCollectionHasItsOwnFirstList() {
    String jobs =
        "https://127.0.0.1:6443/apis/batch/v1/jobs?labelSelector=runwarden.io%2Frun&limit=500";
    String otherNamespace =
        "https://127.0.0.1:6443/apis/runwarden.io/v1alpha1/namespaces/team-b/qualificationruns?limit=500";
    assertThat(interceptor.rewrite("GET", URI.create(RUNS + "?limit=500"))).isNotNull();
    assertThat(interceptor.rewrite("GET", URI.create(jobs)))
        .isEqualTo(URI.create(jobs + "&resourceVersion=0"));
    assertThat(interceptor.rewrite("GET", URI.create(otherNamespace))).isNotNull();
  }

  @Test
  void watchesPagesReadsWritesAndChosenVersionsAreLeftAlone() {
    for (String query :
        new String[] {
          "?limit=500&continue=abc",
          "?watch=true&resourceVersion=42&allowWatchBookmarks=true",
          "?limit=500&resourceVersion=17",
          "",
        }) {
      assertThat(interceptor.rewrite("GET", URI.create(RUNS + query))).as(query).isNull();
    }
    assertThat(interceptor.rewrite("GET", URI.create(RUNS + "/one"))).isNull();
    assertThat(interceptor.rewrite("PATCH", URI.create(RUNS + "?limit=500"))).isNull();
  }
}
