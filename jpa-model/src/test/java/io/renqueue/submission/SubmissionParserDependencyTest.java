package io.renqueue.submission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class SubmissionParserDependencyTest {

  private static final String MSGS =
      "\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]";
  private final SubmissionParser parser = new SubmissionParser();

  @Test
  void dependenciesAreParsedOnceEachAndNotForwarded() throws Exception {
    UUID a = UUID.randomUUID();
    UUID b = UUID.randomUUID();
    Submission s =
        parser.parse("{" + MSGS + ",\"depends_on\":[\"" + a + "\",\"" + b + "\",\"" + a + "\"]}");

    assertThat(s.dependsOn()).containsExactly(a, b);
    assertThat(s.requestJson()).doesNotContain("depends_on");
  }

  @Test
  void withoutDependenciesTheListIsEmpty() throws Exception {
    assertThat(parser.parse("{" + MSGS + "}").dependsOn()).isEmpty();
  }

  @Test
  void idsThatAreNotUuidsAreFieldErrors() {
    InvalidSubmissionException e =
        catchThrowableOfType(
            InvalidSubmissionException.class,
            () -> parser.parse("{" + MSGS + ",\"depends_on\":[\"nope\",7]}"));
    assertThat(e.errors())
        .extracting(FieldError::field)
        .containsExactly("depends_on[0]", "depends_on[1]");
  }
}
