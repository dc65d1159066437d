package io.renqueue.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ReplyAddressTest {

  @Test
  void queuesAndTopicsSurviveARoundTripThroughTheDatabaseForm() {
    ReplyAddress q = new ReplyAddress(ReplyAddress.Kind.QUEUE, "replies.a:b", "c-1");
    ReplyAddress t = new ReplyAddress(ReplyAddress.Kind.TOPIC, "events", "c-2");

    assertThat(ReplyAddress.decode(q.encoded(), "c-1")).isEqualTo(q);
    assertThat(ReplyAddress.decode(t.encoded(), "c-2")).isEqualTo(t);
    assertThat(ReplyAddress.decode(null, null)).isNull();
  }

  @Test
  void anUnknownFormIsRefused() {
    assertThatThrownBy(() -> ReplyAddress.decode("mailbox:x", null))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
