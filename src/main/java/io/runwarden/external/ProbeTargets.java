package io.runwarden.external;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a probe may go. A run's author chooses the URL and the operator makes the call from inside
 * the cluster, so: deny by default (the allow-list must name the host, or "*" for any host); host
 * names compared normalized (case, trailing dot) and with the port when the entry names one; and,
 * after resolving, every address must be public (no loopback, link-local, private, shared,
 * multicast, unspecified or configured cluster range) unless an allowed network names it. The probe
 * then connects to the address checked here, so a name that resolves differently a moment later
 * (DNS rebinding) cannot move the call. Pure apart from {@link #resolve}.
 */
public final class ProbeTargets {

  private final List<String> allowedHosts;
  private final List<Cidr> allowedNetworks;
  private final List<Cidr> deniedNetworks;

  public ProbeTargets(
      List<String> allowedHosts, List<String> allowedNetworks, List<String> deniedNetworks) {
    this.allowedHosts = allowedHosts.stream().map(h -> h.strip().toLowerCase(Locale.ROOT)).toList();
    this.allowedNetworks = allowedNetworks.stream().map(Cidr::parse).toList();
    this.deniedNetworks = deniedNetworks.stream().map(Cidr::parse).toList();
  }

  /** The host in normal form: lower case, no trailing dot, IPv6 without brackets. */
  static String normalize(String host) {
    String h = host.strip().toLowerCase(Locale.ROOT);
    if (h.endsWith(".")) h = h.substring(0, h.length() - 1);
    if (h.startsWith("[") && h.endsWith("]")) h = h.substring(1, h.length() - 1);
    return h;
  }

  /** The port a URL goes to (its default when it names none). */
  static int port(URI uri) {
    return uri.getPort() >= 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
  }

  /**
   * @return why the URL's host may not be called, or empty when the allow-list names it
   */
  public Optional<String> hostRefused(URI uri) {
    if (uri.getHost() == null) return Optional.of("the URL has no host");
    String host = normalize(uri.getHost());
    int port = port(uri);
    for (String entry : allowedHosts) {
      if (entry.equals("*") || matches(entry, host, port)) return Optional.empty();
    }
    return Optional.of(
        allowedHosts.isEmpty()
            ? "no host may be called: the operator's runwarden.external.allowed-hosts is empty"
            : "host "
                + host
                + ":"
                + port
                + " is not in the operator's runwarden.external.allowed-hosts");
  }

  /** An allow-list entry: a name, "*.suffix" or an address in brackets, optionally ":port". */
  private static final Pattern ENTRY =
      Pattern.compile("^(\\[[^\\]]+]|[^:\\[\\]]+)(?::([0-9]{1,5}))?$");

  private static boolean matches(String entry, String host, int port) {
    Matcher m = ENTRY.matcher(entry);
    if (!m.matches()) return false;
    if (m.group(2) != null && Integer.parseInt(m.group(2)) != port) return false;
    String name = normalize(m.group(1));
    return name.startsWith("*.") ? host.endsWith(name.substring(1)) : name.equals(host);
  }

  /**
   * @return why the address may not be called, or empty when it may
   */
  public Optional<String> addressRefused(InetAddress address) {
    String a = address.getHostAddress();
    if (allowedNetworks.stream().anyMatch(n -> n.contains(address))) {
      return Optional.empty();
    }
    if (deniedNetworks.stream().anyMatch(n -> n.contains(address))) {
      return Optional.of(a + " is in runwarden.external.denied-networks");
    }
    if (address.isLoopbackAddress()
        || address.isLinkLocalAddress()
        || address.isSiteLocalAddress()
        || address.isAnyLocalAddress()
        || address.isMulticastAddress()
        || SPECIAL.stream().anyMatch(n -> n.contains(address))) {
      return Optional.of(
          a + " is not a public address (allow it with runwarden.external.allowed-networks)");
    }
    return Optional.empty();
  }

  /** Ranges Java's InetAddress does not classify: shared, benchmarking, unique local, mapped. */
  private static final List<Cidr> SPECIAL =
      List.of(
          Cidr.parse("0.0.0.0/8"),
          Cidr.parse("100.64.0.0/10"), // shared address space (carrier-grade NAT)
          Cidr.parse("192.0.0.0/24"),
          Cidr.parse("198.18.0.0/15"),
          Cidr.parse("240.0.0.0/4"),
          Cidr.parse("fc00::/7"), // unique local
          Cidr.parse("64:ff9b::/96"));

  /**
   * Resolves the host and checks every address it has: one forbidden answer refuses the host, so a
   * name that mixes a public address with an internal one is never called.
   *
   * @return the address to connect to
   */
  public Resolved resolve(String host) {
    InetAddress[] all;
    try {
      all = InetAddress.getAllByName(normalize(host));
    } catch (UnknownHostException e) {
      return new Resolved(null, "host " + normalize(host) + " does not resolve");
    }
    for (InetAddress address : all) {
      Optional<String> refused = addressRefused(address);
      if (refused.isPresent()) return new Resolved(null, refused.get());
    }
    return new Resolved(all[0], null);
  }

  /** An address to connect to, or why there is none. */
  public record Resolved(InetAddress address, String refused) {}

  /** An address range. */
  record Cidr(byte[] network, int bits) {

    static Cidr parse(String text) {
      String t = text.strip();
      int slash = t.indexOf('/');
      // Address literals only (IPv6 has a colon), so nothing here is ever looked up in DNS.
      if (!t.matches("([0-9.]+|[0-9a-fA-F.]*:[0-9a-fA-F:.]*)(/[0-9]{1,3})?")) {
        throw new IllegalArgumentException("not an address range: " + text);
      }
      try {
        byte[] net = InetAddress.getByName(slash < 0 ? t : t.substring(0, slash)).getAddress();
        int bits = slash < 0 ? net.length * 8 : Integer.parseInt(t.substring(slash + 1));
        if (bits > net.length * 8) {
          throw new IllegalArgumentException("not an address range: " + text);
        }
        return new Cidr(net, bits);
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("not an address range: " + text, e);
      }
    }

    /** Java gives IPv4-mapped IPv6 addresses as IPv4 ones, so they are judged as IPv4. */
    boolean contains(InetAddress address) {
      byte[] a = address.getAddress();
      return a.length == network.length && within(a);
    }

    private boolean within(byte[] a) {
      int full = bits / 8;
      for (int i = 0; i < full; i++) if (a[i] != network[i]) return false;
      int rest = bits % 8;
      if (rest == 0) return true;
      int mask = (0xff << (8 - rest)) & 0xff;
      return (a[full] & mask) == (network[full] & mask);
    }
  }
}
