package io.runwarden.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Tag("pure")
class QueuePositionTest {

  @ParameterizedTest
  @CsvSource({
    "1,1",
    "10,10",
    "11,10",
    "19,10",
    "20,20",
    "99,90",
    "100,100",
    "250,200",
    "10000,10000"
  })
  void exactUpToTenThenRoundedDownToOneSignificantDigit(int position, int shown) {
    assertThat(QueuePosition.shown(position)).isEqualTo(shown);
  }

  @Test
  void aRunMovingUpFromTenThousandIsRewrittenAFewDozenTimesNotTenThousand() {
    long changes = IntStream.rangeClosed(2, 10_000).filter(QueuePosition::changesOnMoveUp).count();
    assertThat(changes).isEqualTo(9 + 8 + 9 + 9 + 1); // 2..10, 20..90, 100s, 1000s, 10000
    assertThat(IntStream.rangeClosed(2, 10_000).map(QueuePosition::shown).distinct().count())
        .isEqualTo(changes);
  }
}
