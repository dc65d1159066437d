package io.renqueue.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TaskResultTest {

  @Test
  void storableResultsDropNulCharactersAndCapTheFinishReason() {
    TaskResult odd = new TaskResult("b", "a\u0000b", "x".repeat(100) + "\u0000", 1, 2, 3);

    TaskResult stored = odd.storable();

    assertThat(stored.text()).isEqualTo("ab");
    assertThat(stored.finishReason())
        .hasSize(TaskResult.MAX_FINISH_REASON)
        .doesNotContain("\u0000");
    assertThat(stored.promptTokens()).isEqualTo(1);
  }

  @Test
  void ordinaryResultsAreUnchanged() {
    TaskResult r = new TaskResult("b", "hello", "stop", 1, 2, 3);
    assertThat(r.storable()).isEqualTo(r);
  }
}
