package io.renqueue.backends;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AttemptLogTest {

  @Test
  void summaryNamesEveryBackendTriedWithItsFailuresCounted() {
    AttemptLog log = new AttemptLog();
    log.failed("sim-a", "HTTP 500");
    log.failed("sim-a", "HTTP 500");
    log.failed("sim-a", "timed out");
    log.failed("sim-b", "connection failed (ConnectException)");

    assertThat(log.summary())
        .isEqualTo("sim-a: HTTP 500 ×2, timed out; sim-b: connection failed (ConnectException)");
    assertThat(log.backendsTried()).containsExactly("sim-a", "sim-b");
    assertThat(log.lastBackend()).isEqualTo("sim-b");
  }
}
