package io.renqueue.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class NodeLivenessTest {

  private final NodeLiveness rules = new NodeLiveness(Duration.ofSeconds(5), 2, 4);

  @Test
  void aNodeReportingOnTimeIsUpOrDraining() {
    assertThat(rules.judge(Duration.ofSeconds(9), null, false)).isEqualTo(NodeState.UP);
    assertThat(rules.judge(Duration.ofSeconds(9), false, true)).isEqualTo(NodeState.DRAINING);
  }

  @Test
  void missedHeartbeatsMakeANodeSuspectThenDead() {
    assertThat(rules.judge(Duration.ofSeconds(10), null, false)).isEqualTo(NodeState.SUSPECT);
    assertThat(rules.judge(Duration.ofSeconds(19), false, false)).isEqualTo(NodeState.SUSPECT);
    assertThat(rules.judge(Duration.ofSeconds(20), false, false)).isEqualTo(NodeState.DEAD);
    assertThat(rules.judge(Duration.ofSeconds(20), null, true)).isEqualTo(NodeState.DEAD);
  }

  @Test
  void aNodeThatStillAnswersItsProbeIsNeverDeclaredDead() {
    assertThat(rules.judge(Duration.ofMinutes(10), true, false)).isEqualTo(NodeState.SUSPECT);
  }

  @Test
  void aNodeThatReportsAgainIsUpAgain() {
    assertThat(rules.judge(Duration.ofMinutes(10), false, false)).isEqualTo(NodeState.DEAD);
    assertThat(rules.judge(Duration.ZERO, false, false)).isEqualTo(NodeState.UP);
  }

  @Test
  void theBoundOnADeadNodesTasksIsTheDeadThresholdPlusAHeartbeatAndASweep() {
    assertThat(rules.deadWithin(Duration.ofSeconds(5))).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void inconsistentThresholdsAreRefused() {
    assertThatThrownBy(() -> new NodeLiveness(Duration.ofSeconds(5), 3, 3))
        .hasMessageContaining("suspect-after-misses < dead-after-misses");
    assertThatThrownBy(() -> new NodeLiveness(Duration.ZERO, 1, 2))
        .hasMessageContaining("positive");
  }
}
