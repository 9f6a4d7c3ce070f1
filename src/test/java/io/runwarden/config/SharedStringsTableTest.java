package io.runwarden.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The table that shares the short strings the client reads: what it shares and what it keeps. */
class SharedStringsTableTest {

  private final SharedStrings.Shared table = new SharedStrings.Shared();

  @Test
  void equalStringsReadAtDifferentTimesAreOneInstance() {
    String first = table.shared(new String("Running"));
    String again = table.shared(new String("Running"));
    assertThat(again).isEqualTo("Running").isSameAs(first);
  }

  @Test
  void aValueReadAllTheTimeKeepsItsPlaceWhileOneOffValuesPassThrough() {
    String status = table.shared(new String("True"));
    String reason = table.shared(new String("HeartbeatLost"));
    for (int n = 0; n < 200_000; n++) {
      // A run's own values (uid, resourceVersion), read once each: more than the table holds.
      table.shared(UUID.randomUUID().toString());
      table.shared(Integer.toString(n));
      assertThat(table.shared(new String("True"))).isSameAs(status);
      if (n % 1000 == 0) {
        assertThat(table.shared(new String("HeartbeatLost"))).isSameAs(reason);
      }
    }
  }

  @Test
  void stringsWithTheSameHashAreNeverTakenForEachOther() {
    assertThat("Aa".hashCode()).isEqualTo("BB".hashCode());
    for (int n = 0; n < 3; n++) {
      assertThat(table.shared(new String("Aa"))).isEqualTo("Aa");
      assertThat(table.shared(new String("BB"))).isEqualTo("BB");
      assertThat(table.shared(new String("AaAa"))).isEqualTo("AaAa");
      assertThat(table.shared(new String("BBBB"))).isEqualTo("BBBB");
    }
  }
}
