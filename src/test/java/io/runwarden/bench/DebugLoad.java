package io.runwarden.bench;

import io.runwarden.testing.TestCluster;
import java.time.Duration;

public final class DebugLoad {
  public static void main(String[] a) throws Exception {
    TestCluster c = TestCluster.get();
    String ns = c.newNamespace("dbg");
    RunLoad.Shape shape =
        new RunLoad.Shape(
            Duration.ofSeconds(15),
            Duration.ofSeconds(15),
            Duration.ofSeconds(150),
            Duration.ofSeconds(25));
    RunLoad load = new RunLoad(c.client(), ns, 3, 2.0, shape);
    Thread t = new Thread(() -> load.run(Duration.ofSeconds(1)));
    t.setDaemon(true);
    t.start();
    Thread.sleep(5000);
    System.out.println(
        "stored: "
            + c.client()
                .resources(io.runwarden.api.v1alpha1.QualificationRun.class)
                .inNamespace(ns)
                .list()
                .getItems()
                .size()
            + " errors "
            + load.workerErrors);
    System.exit(0);
  }
}
