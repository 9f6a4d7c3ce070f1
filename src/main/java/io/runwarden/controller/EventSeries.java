package io.runwarden.controller;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The event correlator (like client-go's): the same reason on the same run within {@link #WINDOW}
 * is one Event object whose count and last timestamp go up, not a new object each time; and while a
 * send of a series is queued or in flight, more occurrences merge into it. So a run that repeats an
 * event (a refused request re-applied in a loop, a flapping check) costs one queue slot and one
 * write at a time, whatever its rate.
 *
 * <p>Each namespace may hold at most {@code perNamespace} series waiting to be sent, so one
 * tenant's flood cannot fill the shared send queue and get everyone else's events dropped.
 *
 * <p>Pure and synchronized; the sending is {@link RunEvents}'.
 */
final class EventSeries {

  /** How long occurrences of one reason on one run keep adding to the same Event object. */
  static final Duration WINDOW = Duration.ofMinutes(10);

  /** Series remembered; the least recently used is forgotten (a later occurrence starts anew). */
  static final int REMEMBERED = 10_000;

  record Key(String namespace, String name, String uid, String type, String reason) {}

  /** What a sender writes: a new Event object ({@code created} false) or an update of it. */
  record Send(
      Key key,
      String eventName,
      boolean created,
      int count,
      Instant first,
      Instant last,
      String message) {}

  enum Outcome {
    /** Queue a send for this series. */
    QUEUE,
    /** A send of this series is already queued or in flight; it will carry this occurrence. */
    MERGED,
    /** The namespace already has its share of the queue waiting. */
    DROPPED
  }

  static final class Series {
    final Key key;
    private String eventName;
    private boolean created;
    private int count;
    private Instant first;
    private Instant last;
    private String message;
    private boolean busy;
    private boolean dirty;

    private Series(Key key) {
      this.key = key;
    }
  }

  private final int perNamespace;
  private final Map<String, Integer> busyPerNamespace = new HashMap<>();
  private final LinkedHashMap<Key, Series> series =
      new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Series> eldest) {
          // A series with a send pending stays: its sender still needs it.
          return size() > REMEMBERED && !eldest.getValue().busy;
        }
      };
  private long sequence;

  EventSeries(int perNamespace) {
    this.perNamespace = perNamespace;
  }

  /** One occurrence; {@link Outcome#QUEUE} hands {@link #series(Key)} to a sender. */
  synchronized Outcome record(Key key, String message, Instant now) {
    Series s = series.get(key);
    if (s == null || (!s.busy && now.isAfter(s.last.plus(WINDOW)))) {
      s = new Series(key);
      s.eventName = eventName(key.name(), now);
      s.first = now;
      series.put(key, s);
    }
    s.count++;
    s.last = now;
    String before = s.message;
    s.message = message;
    if (s.busy) {
      s.dirty = true;
      return Outcome.MERGED;
    }
    int busy = busyPerNamespace.getOrDefault(key.namespace(), 0);
    if (busy >= perNamespace) {
      s.count--; // not sent, so not counted on the object either
      s.message = before;
      return Outcome.DROPPED;
    }
    busyPerNamespace.put(key.namespace(), busy + 1);
    s.busy = true;
    return Outcome.QUEUE;
  }

  synchronized Series series(Key key) {
    return series.get(key);
  }

  /** What to write now; occurrences after this are sent by the next round. */
  synchronized Send take(Series s) {
    s.dirty = false;
    return new Send(s.key, s.eventName, s.created, s.count, s.first, s.last, s.message);
  }

  /**
   * The send finished (written, or given up).
   *
   * @param created whether the Event object now exists
   * @return true when occurrences arrived meanwhile: send the series again
   */
  synchronized boolean done(Series s, boolean created) {
    s.created = created;
    if (s.dirty) {
      return true;
    }
    release(s);
    return false;
  }

  /** The object was gone (expired): the next send creates a new one under a new name. */
  synchronized void recreate(Series s, Instant now) {
    s.eventName = eventName(s.key.name(), now);
    s.created = false;
  }

  /** The send could not be queued or requeued. */
  synchronized void abandon(Series s) {
    s.dirty = false;
    release(s);
  }

  synchronized int waiting(String namespace) {
    return busyPerNamespace.getOrDefault(namespace, 0);
  }

  private void release(Series s) {
    s.busy = false;
    busyPerNamespace.computeIfPresent(s.key.namespace(), (ns, n) -> n <= 1 ? null : n - 1);
  }

  /** client-go's naming: the object's name and a time, plus a sequence against equal times. */
  private String eventName(String runName, Instant now) {
    String suffix =
        "."
            + Long.toHexString(now.getEpochSecond() * 1_000_000_000L + now.getNano())
            + Long.toHexString(sequence++ & 0xfff);
    int keep = Math.min(runName.length(), 253 - suffix.length());
    String prefix = runName.substring(0, keep);
    while (prefix.endsWith("-")
        || prefix.endsWith(".")) { // a DNS subdomain label ends alphanumeric
      prefix = prefix.substring(0, prefix.length() - 1);
    }
    return prefix + suffix;
  }
}
