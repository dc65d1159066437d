package io.renqueue.backends;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class BackendCircuitTest {

  /** A clock the test moves by hand. */
  static final class ManualClock extends Clock {
    Instant now = Instant.parse("2026-11-23T12:00:00Z");

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  private final ManualClock clock = new ManualClock();
  private final BackendCircuit circuit =
      new BackendCircuit(10, 4, 0.5, Duration.ofSeconds(10), clock);

  @Test
  void itOpensOnceHalfOfEnoughRecentCallsFailed() {
    circuit.success();
    circuit.failure();
    circuit.failure();
    assertThat(circuit.state()).isEqualTo(BackendCircuit.State.CLOSED);
    circuit.failure();
    assertThat(circuit.state()).isEqualTo(BackendCircuit.State.OPEN);
    assertThat(circuit.tryAcquire()).isFalse();
    assertThat(circuit.openUntil()).isEqualTo(clock.now.plusSeconds(10));
  }

  @Test
  void afterTheOpenPeriodOneTrialCallDecides() {
    for (int i = 0; i < 4; i++) {
      circuit.failure();
    }
    clock.now = clock.now.plusSeconds(10);
    assertThat(circuit.state()).isEqualTo(BackendCircuit.State.HALF_OPEN);
    assertThat(circuit.tryAcquire()).isTrue();
    assertThat(circuit.tryAcquire()).as("only one trial at a time").isFalse();
    circuit.success();
    assertThat(circuit.state()).isEqualTo(BackendCircuit.State.CLOSED);
    assertThat(circuit.tryAcquire()).isTrue();
  }

  @Test
  void aFailedTrialOpensItAgainForAnotherPeriod() {
    for (int i = 0; i < 4; i++) {
      circuit.failure();
    }
    clock.now = clock.now.plusSeconds(11);
    assertThat(circuit.tryAcquire()).isTrue();
    circuit.failure();
    assertThat(circuit.state()).isEqualTo(BackendCircuit.State.OPEN);
    assertThat(circuit.openUntil()).isEqualTo(clock.now.plusSeconds(10));
  }

  @Test
  void anAbandonedTrialLetsTheNextCallTry() {
    for (int i = 0; i < 4; i++) {
      circuit.failure();
    }
    clock.now = clock.now.plusSeconds(10);
    assertThat(circuit.tryAcquire()).isTrue();
    circuit.abandoned();
    assertThat(circuit.tryAcquire()).isTrue();
  }

  @Test
  void oldOutcomesLeaveTheWindow() {
    for (int i = 0; i < 3; i++) {
      circuit.failure();
    }
    for (int i = 0; i < 10; i++) {
      circuit.success();
    }
    circuit.failure();
    assertThat(circuit.state()).isEqualTo(BackendCircuit.State.CLOSED);
  }
}
