package io.renqueue.api.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.renqueue.api.problems.ProblemException;
import io.renqueue.api.problems.ProblemType;
import java.io.ByteArrayInputStream;
import org.junit.jupiter.api.Test;

class BoundedBodyTest {

  @Test
  void aBodyAtTheLimitIsRead() {
    assertThat(BoundedBody.read(new ByteArrayInputStream(new byte[] {'{', '}'}), null, 2))
        .isEqualTo("{}");
  }

  @Test
  void aBodyOverTheLimitIsRefusedEvenWithoutContentLength() {
    assertThatThrownBy(() -> BoundedBody.read(new ByteArrayInputStream(new byte[3]), null, 2))
        .isInstanceOfSatisfying(
            ProblemException.class,
            e -> assertThat(e.problem().type()).isEqualTo(ProblemType.PAYLOAD_TOO_LARGE));
  }

  @Test
  void aDeclaredLengthOverTheLimitIsRefusedBeforeReading() {
    assertThatThrownBy(() -> BoundedBody.read(null, 3L, 2)).isInstanceOf(ProblemException.class);
  }
}
