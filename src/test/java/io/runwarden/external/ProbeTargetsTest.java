package io.runwarden.external;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Where a probe may go: deny by default, normalized host matching, only public addresses. */
@Tag("pure")
class ProbeTargetsTest {

  private static final ProbeTargets NONE = new ProbeTargets(List.of(), List.of(), List.of());
  private static final ProbeTargets LISTED =
      new ProbeTargets(
          List.of(
              "llm.example.com", "*.internal.example.com", "api.example.com:8443", "[2001:db8::1]"),
          List.of("10.96.12.0/24"),
          List.of("203.0.113.0/24"));

  @Test
  void anEmptyAllowListAllowsNoHost() {
    assertThat(NONE.hostRefused(URI.create("https://llm.example.com/x")))
        .get()
        .asString()
        .contains("allowed-hosts is empty");
  }

  @Test
  void aStarAllowsEveryHostButNotEveryAddress() throws Exception {
    ProbeTargets any = new ProbeTargets(List.of("*"), List.of(), List.of());
    assertThat(any.hostRefused(URI.create("http://whatever.example.org/"))).isEmpty();
    assertThat(any.addressRefused(InetAddress.getByName("169.254.169.254"))).isPresent();
  }

  @ParameterizedTest
  @CsvSource({
    "https://llm.example.com/v1, true",
    "https://LLM.Example.COM./v1, true",
    "https://llm.example.com:443/v1, true",
    "http://llm.example.com:8080/v1, true",
    "https://a.internal.example.com/, true",
    "https://A.B.Internal.Example.com./, true",
    "https://internal.example.com/, false",
    "https://evilinternal.example.com/, false",
    "https://llm.example.com.evil.org/, false",
    "https://api.example.com:8443/, true",
    "https://api.example.com/, false",
    "https://api.example.com:8444/, false",
    "http://[2001:db8::1]:80/, true",
    "http://[2001:db8::2]/, false"
  })
  void hostsMatchNormalizedAndWithTheirPort(String url, boolean allowed) {
    assertThat(LISTED.hostRefused(URI.create(url)).isEmpty()).as(url).isEqualTo(allowed);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "127.0.0.1",
        "127.9.9.9",
        "::1",
        "0.0.0.0",
        "::",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.169.254",
        "fe80::1",
        "100.64.0.1",
        "224.0.0.1",
        "ff02::1",
        "fd00::1",
        "198.18.0.1",
        "::ffff:127.0.0.1",
        "::ffff:169.254.169.254",
        "203.0.113.7"
      })
  void nonPublicAndDeniedAddressesAreRefused(String address) throws Exception {
    assertThat(LISTED.addressRefused(InetAddress.getByName(address))).as(address).isPresent();
  }

  @ParameterizedTest
  @ValueSource(strings = {"93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946", "10.96.12.40"})
  void publicAndAllowedAddressesPass(String address) throws Exception {
    assertThat(LISTED.addressRefused(InetAddress.getByName(address))).as(address).isEmpty();
  }

  @Test
  void aNameThatResolvesToAnInternalAddressIsRefused() {
    ProbeTargets.Resolved r = NONE.resolve("localhost");
    assertThat(r.address()).isNull();
    assertThat(r.refused()).contains("not a public address");
  }

  @Test
  void rangesMustBeAddressLiteralsNeverNames() {
    assertThatThrownBy(() -> new ProbeTargets(List.of(), List.of("example.com/8"), List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ProbeTargets(List.of(), List.of("10.0.0.0/33"), List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
