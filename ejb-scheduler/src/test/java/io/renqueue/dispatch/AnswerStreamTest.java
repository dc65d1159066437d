package io.renqueue.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class AnswerStreamTest {

  @Test
  void aSynchronousCallersKeyNamesItsServerEvenWhenTheNodeIdHasTheSeparator() {
    UUID caller = UUID.randomUUID();

    assertThat(AnswerStream.serverOf(AnswerStream.waiterKey("gpu-node-7", caller)))
        .isEqualTo("gpu-node-7");
    assertThat(AnswerStream.serverOf(AnswerStream.waiterKey("rack#2", caller))).isEqualTo("rack#2");
  }

  @Test
  void aStreamingClientsKeyNamesNoServer() {
    assertThat(AnswerStream.serverOf(UUID.randomUUID().toString())).isNull();
  }
}
