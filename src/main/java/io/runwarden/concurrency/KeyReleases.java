package io.runwarden.concurrency;

import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import io.runwarden.api.v1alpha1.QualificationRun;
import java.util.Set;

/**
 * Wakes the runs queued behind a key when its holder ends, instead of having them poll. The
 * reconciler fires it; JOSDK delivers the events like any other.
 */
public class KeyReleases extends AbstractEventSource<KeyReleases.Release, QualificationRun> {

  /** No secondary resources: this source only carries wake-ups. */
  public record Release() {}

  public KeyReleases() {
    super(Release.class, "concurrency-key-releases");
  }

  public void wake(ResourceID run) {
    if (getEventHandler() != null) {
      getEventHandler().handleEvent(new Event(run));
    }
  }

  @Override
  public Set<Release> getSecondaryResources(QualificationRun primary) {
    return Set.of();
  }
}
