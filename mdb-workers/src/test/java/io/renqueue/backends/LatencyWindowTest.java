package io.renqueue.backends;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LatencyWindowTest {

  @Test
  void percentilesComeFromTheRecentSamplesOnly() {
    LatencyWindow w = new LatencyWindow(4);
    assertThat(w.ttftPercentile(50)).isNull();
    w.record(10_000, 20_000, 100);
    for (int i = 0; i < 4; i++) {
      w.record(100 + i, 1100 + i, 100);
    }
    assertThat(w.ttftPercentile(50)).isEqualTo(101);
    assertThat(w.ttftPercentile(100)).isEqualTo(103);
    assertThat(w.tokensPerSecondPercentile(50)).isEqualTo(100.0);
  }

  @Test
  void aOneTokenAnswerSaysNothingAboutSpeed() {
    LatencyWindow w = new LatencyWindow(8);
    w.record(50, 60, 1);
    assertThat(w.ttftPercentile(50)).isEqualTo(50);
    assertThat(w.tokensPerSecondPercentile(50)).isNull();
  }
}
