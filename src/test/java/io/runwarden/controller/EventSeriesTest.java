package io.runwarden.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.runwarden.controller.EventSeries.Key;
import io.runwarden.controller.EventSeries.Outcome;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The event correlator: one object per run and reason, one send at a time, a share per namespace.
 */
@Tag("pure")
class EventSeriesTest {

  private static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");

  private static Key key(String ns, String run, String reason) {
    return new Key(ns, run, "uid-" + run, "Warning", reason);
  }

  @Test
  void repeatsWhileASendIsPendingMergeIntoItAndTheNextSendCarriesTheCountAndNewestMessage() {
    EventSeries c = new EventSeries(100);
    Key k = key("a", "r", "RequestRefused");
    assertThat(c.record(k, "first", T0)).isEqualTo(Outcome.QUEUE);
    for (int i = 1; i <= 49; i++) {
      assertThat(c.record(k, "refused " + i, T0.plusSeconds(i))).isEqualTo(Outcome.MERGED);
    }
    EventSeries.Series s = c.series(k);
    EventSeries.Send send = c.take(s);
    assertThat(send.created()).isFalse();
    assertThat(send.count()).isEqualTo(50);
    assertThat(send.message()).isEqualTo("refused 49");
    assertThat(send.first()).isEqualTo(T0);
    assertThat(send.last()).isEqualTo(T0.plusSeconds(49));
    assertThat(c.done(s, true)).as("nothing arrived meanwhile").isFalse();

    assertThat(c.record(k, "again", T0.plusSeconds(60))).isEqualTo(Outcome.QUEUE);
    EventSeries.Send update = c.take(c.series(k));
    assertThat(update.created()).as("updates the object created before").isTrue();
    assertThat(update.eventName()).isEqualTo(send.eventName());
    assertThat(update.count()).isEqualTo(51);
  }

  @Test
  void anOccurrenceDuringASendMakesTheSenderGoAgain() {
    EventSeries c = new EventSeries(100);
    Key k = key("a", "r", "Retrying");
    c.record(k, "one", T0);
    EventSeries.Series s = c.series(k);
    c.take(s);
    assertThat(c.record(k, "two", T0.plusSeconds(1))).isEqualTo(Outcome.MERGED);
    assertThat(c.done(s, true)).isTrue();
    EventSeries.Send again = c.take(s);
    assertThat(again.count()).isEqualTo(2);
    assertThat(again.created()).isTrue();
    assertThat(c.done(s, true)).isFalse();
    assertThat(c.waiting("a")).isZero();
  }

  @Test
  void afterTheWindowTheSameReasonStartsANewObject() {
    EventSeries c = new EventSeries(100);
    Key k = key("a", "r", "Retrying");
    c.record(k, "one", T0);
    EventSeries.Series s = c.series(k);
    String first = c.take(s).eventName();
    c.done(s, true);
    Instant later = T0.plus(EventSeries.WINDOW).plus(Duration.ofSeconds(1));
    assertThat(c.record(k, "two", later)).isEqualTo(Outcome.QUEUE);
    EventSeries.Send send = c.take(c.series(k));
    assertThat(send.eventName()).isNotEqualTo(first);
    assertThat(send.created()).isFalse();
    assertThat(send.count()).isEqualTo(1);
  }

  @Test
  void differentReasonsAndRunsAreSeparateSeries() {
    EventSeries c = new EventSeries(100);
    assertThat(c.record(key("a", "r", "X"), "m", T0)).isEqualTo(Outcome.QUEUE);
    assertThat(c.record(key("a", "r", "Y"), "m", T0)).isEqualTo(Outcome.QUEUE);
    assertThat(c.record(key("a", "q", "X"), "m", T0)).isEqualTo(Outcome.QUEUE);
    assertThat(c.waiting("a")).isEqualTo(3);
  }

  @Test
  void aNamespaceBeyondItsShareIsDroppedWhileOthersStillQueue() {
    EventSeries c = new EventSeries(3);
    for (int i = 0; i < 3; i++) {
      assertThat(c.record(key("flood", "r" + i, "X"), "m", T0)).isEqualTo(Outcome.QUEUE);
    }
    assertThat(c.record(key("flood", "r9", "X"), "m", T0)).isEqualTo(Outcome.DROPPED);
    assertThat(c.record(key("quiet", "r", "X"), "m", T0)).isEqualTo(Outcome.QUEUE);

    EventSeries.Series s = c.series(key("flood", "r0", "X"));
    c.take(s);
    c.done(s, true);
    assertThat(c.record(key("flood", "r9", "X"), "m", T0.plusSeconds(1)))
        .as("a slot freed by a finished send")
        .isEqualTo(Outcome.QUEUE);
    assertThat(c.take(c.series(key("flood", "r9", "X"))).count())
        .as("the dropped occurrence is not counted")
        .isEqualTo(1);
  }

  @Test
  void anAbandonedSendFreesItsSlot() {
    EventSeries c = new EventSeries(1);
    Key k = key("a", "r", "X");
    c.record(k, "m", T0);
    c.abandon(c.series(k));
    assertThat(c.waiting("a")).isZero();
    assertThat(c.record(key("a", "q", "X"), "m", T0)).isEqualTo(Outcome.QUEUE);
  }

  @Test
  void namesAreValidForLongRunNamesEndingInADash() {
    EventSeries c = new EventSeries(1);
    String name = "a".repeat(235) + "-b" + "c".repeat(16);
    Key k = new Key("a", name, "u", "Normal", "X");
    c.record(k, "m", T0);
    String eventName = c.take(c.series(k)).eventName();
    assertThat(eventName.length()).isLessThanOrEqualTo(253);
    assertThat(eventName).matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?").doesNotContain("-.");
  }
}
