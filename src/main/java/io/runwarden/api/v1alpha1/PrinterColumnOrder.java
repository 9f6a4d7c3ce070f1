package io.runwarden.api.v1alpha1;

import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import java.util.Comparator;
import java.util.List;

/**
 * Build-time CRD post-processor (quarkus.operator-sdk.crd.post-processor): the generator sorts
 * printer columns by JSON path, but {@code kubectl get qrun} reads best as phase first and age
 * last, like built-in kinds, and {@code kubectl get qreport} as the open attempt, then who claimed
 * it and how far it got.
 */
public class PrinterColumnOrder implements CRDPostProcessor {

  /** For both kinds: a run's columns, then its report's (open attempt first, outcome last). */
  static final List<String> ORDER =
      List.of(
          "Phase",
          "Progress",
          "Attempt",
          "Queue",
          "Deadline",
          "Reason",
          "Age",
          "Open",
          "Claimed",
          "Worker",
          "Completed",
          "Heartbeat",
          "Outcome");

  @Override
  public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
    if (crd instanceof CustomResourceDefinition v1) {
      ItemBounds.apply(v1); // the one post-processor the extension takes: see ItemBounds
      v1.getSpec()
          .getVersions()
          .forEach(
              version -> {
                if (version.getAdditionalPrinterColumns() != null) {
                  version.getAdditionalPrinterColumns().sort(Comparator.comparingInt(this::rank));
                }
              });
    }
    return crd;
  }

  private int rank(CustomResourceColumnDefinition column) {
    int i = ORDER.indexOf(column.getName());
    return i < 0 ? ORDER.size() : i;
  }
}
