package io.runwarden.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.JdkSslContext;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Test;

class ChaCha20FirstTest {

  @Test
  void chaCha20ComesFirstAndEverythingAskedForStays() {
    String[] asked = {"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384"};
    String[] supported = {
      "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"
    };
    assertThat(ChaCha20First.preferred(asked, supported))
        .containsExactly(
            "TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384");
  }

  @Test
  void aJvmWithoutChaCha20KeepsTheListAsItWas() {
    String[] asked = {"TLS_AES_128_GCM_SHA256"};
    assertThat(ChaCha20First.preferred(asked, asked)).containsExactly("TLS_AES_128_GCM_SHA256");
  }

  /**
   * Netty enables its own list on every engine (AES-GCM only for TLS 1.3): built exactly as
   * Fabric8's Vert.x client builds its context, the engine still offers ChaCha20 first.
   */
  @Test
  void nettysOwnSuiteListGetsChaCha20AtItsHead() throws Exception {
    SSLContext jdk = SSLContext.getInstance("TLS");
    jdk.init(null, null, null);
    JdkSslContext plain = nettyContext(jdk);
    SSLEngine before = plain.newEngine(ByteBufAllocator.DEFAULT, "kubernetes", 443);
    assertThat(before.getEnabledCipherSuites()).doesNotContain("TLS_CHACHA20_POLY1305_SHA256");

    SSLEngine after =
        nettyContext(ChaCha20First.wrap(jdk))
            .newEngine(ByteBufAllocator.DEFAULT, "kubernetes", 443);
    List<String> suites = Arrays.asList(after.getEnabledCipherSuites());
    assertThat(suites.get(0)).isEqualTo("TLS_CHACHA20_POLY1305_SHA256");
    assertThat(suites).containsAll(Arrays.asList(before.getEnabledCipherSuites()));
    assertThat(after.getUseClientMode()).isTrue();
    assertThat(after.getPeerHost()).isEqualTo("kubernetes");
  }

  private static JdkSslContext nettyContext(SSLContext context) {
    return new JdkSslContext(
        context,
        true,
        null,
        IdentityCipherSuiteFilter.INSTANCE,
        ApplicationProtocolConfig.DISABLED,
        ClientAuth.NONE,
        null,
        false);
  }
}
