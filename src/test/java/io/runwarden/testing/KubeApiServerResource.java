package io.runwarden.testing;

import io.fabric8.kubernetes.client.Config;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.HashMap;
import java.util.Map;

/**
 * Points the operator under {@code @QuarkusTest} at the shared real API server. The API server is
 * left running for the next test class; the JVM's exit stops it.
 */
public class KubeApiServerResource implements QuarkusTestResourceLifecycleManager {

  @Override
  public Map<String, String> start() {
    TestCluster cluster = TestCluster.get();
    // Fabric8's own auto-configuration reads this; the properties below say the same to Quarkus.
    System.setProperty(Config.KUBERNETES_KUBECONFIG_FILE, cluster.kubeconfig().toString());
    Config config = cluster.config();
    Map<String, String> props = new HashMap<>();
    props.put("quarkus.kubernetes-client.api-server-url", config.getMasterUrl());
    putIfSet(props, "ca-cert-file", config.getCaCertFile());
    putIfSet(props, "ca-cert-data", config.getCaCertData());
    putIfSet(props, "client-cert-file", config.getClientCertFile());
    putIfSet(props, "client-cert-data", config.getClientCertData());
    putIfSet(props, "client-key-file", config.getClientKeyFile());
    putIfSet(props, "client-key-data", config.getClientKeyData());
    return props;
  }

  private static void putIfSet(Map<String, String> props, String key, String value) {
    if (value != null) {
      props.put("quarkus.kubernetes-client." + key, value);
    }
  }

  @Override
  public void stop() {
    // Shared across test classes; stopped by TestCluster's shutdown hook.
  }
}
