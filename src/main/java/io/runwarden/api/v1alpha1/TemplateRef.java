package io.runwarden.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A core/v1 PodTemplate in the run's namespace, read when each attempt's Job is made. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TemplateRef {

  @JsonPropertyDescription(
      "Name of a PodTemplate (kubectl get podtemplates) in the run's namespace.")
  @Required
  @Size(max = 253)
  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  private String name;

  public TemplateRef() {}

  public TemplateRef(String name) {
    this.name = name;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }
}
