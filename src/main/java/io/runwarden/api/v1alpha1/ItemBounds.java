package io.runwarden.api.v1alpha1;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import java.util.List;

/**
 * Bounds the generator cannot express: {@code @Size} on a list or map bounds its size, not its
 * items. The API server should refuse an oversize item at the door (naming the field) rather than
 * leave it to the operator's own check, so these get a {@code maxLength} (or a range) here.
 */
final class ItemBounds {

  /** The operator's own limit on a configured value (RunPolicy: a word of at most 64). */
  static final long VALUE = 64;

  /** A label value's limit. */
  static final long LABEL_VALUE = 63;

  private ItemBounds() {}

  static void apply(CustomResourceDefinition crd) {
    if (!"qualificationruns.runwarden.io".equals(crd.getMetadata().getName())) {
      return;
    }
    for (var version : crd.getSpec().getVersions()) {
      JSONSchemaProps spec = version.getSchema().getOpenAPIV3Schema().getProperties().get("spec");
      JSONSchemaProps external = spec.getProperties().get("externalService");
      for (String list : List.of("completedValues", "failedValues", "runningValues")) {
        external.getProperties().get(list).getItems().getSchema().setMaxLength(VALUE);
      }
      spec.getProperties()
          .get("job")
          .getProperties()
          .get("labels")
          .getAdditionalProperties()
          .getSchema()
          .setMaxLength(LABEL_VALUE);
      // Exit codes: 1-255 at the door, so a number past an int never reaches the operator.
      JSONSchemaProps code =
          spec.getProperties()
              .get("retry")
              .getProperties()
              .get("nonRetryableExitCodes")
              .getItems()
              .getSchema();
      code.setMinimum(1.0);
      code.setMaximum(255.0);
    }
  }
}
