package io.renqueue.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PriorityTest {

  @Test
  void aChildGetsTheMoreUrgentOfItsOwnAndItsParentsLevel() {
    assertThat(Priority.BATCH.atLeast(Priority.CRITICAL)).isEqualTo(Priority.CRITICAL);
    assertThat(Priority.HIGH.atLeast(Priority.LOW)).isEqualTo(Priority.HIGH);
    assertThat(Priority.NORMAL.atLeast(null)).isEqualTo(Priority.NORMAL);
  }
}
