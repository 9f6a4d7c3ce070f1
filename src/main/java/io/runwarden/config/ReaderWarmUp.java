package io.runwarden.config;

import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.api.model.batch.v1.JobList;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Builds the client's JSON readers for the kinds the operator lists at its start, on a thread of
 * its own, while Quarkus is still starting.
 *
 * <p>Why: Jackson builds a class's reader the first time it reads one, and for a Pod that is the
 * whole Pod model (the spec, containers, thirty kinds of volume, probes, affinity: some hundreds of
 * classes loaded and looked at). Fabric8 reads each list on a Vert.x event loop, so the first
 * (empty) lists of Pods and Jobs held both event loops for about a second of a restart, and the
 * runs' list, answered by then, waited on the socket: with 2,000 runs the operator took 1.2 s over
 * a list that kubectl read in 0.35-0.6 s (docs/performance.md). Built here, the readers are in
 * Jackson's cache when the answers arrive, and the work overlaps the rest of the start on the other
 * core. Nothing depends on it: a reader it has not finished is built where it is needed, as before
 * (Jackson makes the second reader wait for the first), and a failure here is only logged.
 */
final class ReaderWarmUp {

  private static final Logger LOG = Logger.getLogger(ReaderWarmUp.class);

  private ReaderWarmUp() {}

  static void startIn(KubernetesSerialization serialization) {
    Thread t = new Thread(() -> run(serialization), "runwarden-reader-warm-up");
    t.setDaemon(true);
    t.start();
  }

  /** Reads one small object of each kind; returns what it read (for the test). */
  static List<Object> run(KubernetesSerialization serialization) {
    try {
      return List.of(
          serialization.unmarshal(
              "{\"apiVersion\":\"v1\",\"kind\":\"PodList\",\"items\":[]}", PodList.class),
          serialization.unmarshal(
              "{\"apiVersion\":\"batch/v1\",\"kind\":\"JobList\",\"items\":[]}", JobList.class),
          serialization.unmarshal(
              "{\"apiVersion\":\"runwarden.io/v1alpha1\",\"kind\":\"QualificationRun\","
                  + "\"metadata\":{\"name\":\"warm-up\"}}"),
          serialization.unmarshal(
              "{\"apiVersion\":\"runwarden.io/v1alpha1\",\"kind\":\"QualificationRunReport\","
                  + "\"metadata\":{\"name\":\"warm-up\"}}"));
    } catch (RuntimeException e) {
      LOG.debugf(e, "Warming up the JSON readers failed; they are built on first use instead");
      return List.of();
    }
  }
}
