package io.runwarden.informer;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The namespaces the controller watches, as the Operator SDK extension is configured (the chart's
 * {@code watchNamespaces}), for the parts beside the controller that list or delete in them: when
 * limited, the operator has Roles there only and no right to list across the cluster.
 */
@ApplicationScoped
public class WatchedNamespaces {

  /**
   * The controller's name: its settings live under {@code quarkus.operator-sdk.controllers.NAME}.
   */
  public static final String CONTROLLER = "qualificationrun";

  /** The watched namespaces; empty means all. */
  public List<String> get() {
    List<String> namespaces =
        ConfigProvider.getConfig()
            .getOptionalValues(
                "quarkus.operator-sdk.controllers." + CONTROLLER + ".namespaces", String.class)
            .orElse(List.of());
    // JOSDK_ALL_NAMESPACES / JOSDK_WATCH_CURRENT are the extension's markers, not namespaces.
    return namespaces.stream().anyMatch(n -> n.startsWith("JOSDK_")) ? List.of() : namespaces;
  }
}
