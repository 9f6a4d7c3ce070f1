package io.runwarden.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** Where a run queued behind its concurrency key stands (spec.concurrency). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class QueueStatus {

  @JsonPropertyDescription(
      "Place in the key's queue, 1 = next to start. Exact up to 10; beyond that rounded down (20,"
          + " 30 ... 100, 200 ...), so a run in a queue of thousands is rewritten a few times while"
          + " it moves up, not once per run ahead of it.")
  private Integer position;

  @JsonPropertyDescription("Whether position is exact (false: at least that far back).")
  private Boolean exact;

  @JsonPropertyDescription(
      "The runs holding the key now (at most 5 names), for the first 10 in line: deeper in the"
          + " line they would change, and cost a write, at every start.")
  private List<String> holders;

  public Integer getPosition() {
    return position;
  }

  public void setPosition(Integer position) {
    this.position = position;
  }

  public Boolean getExact() {
    return exact;
  }

  public void setExact(Boolean exact) {
    this.exact = exact;
  }

  public List<String> getHolders() {
    return holders;
  }

  public void setHolders(List<String> holders) {
    this.holders = holders;
  }
}
