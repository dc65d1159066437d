package io.renqueue.submission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SubmissionParserDeadlineTest {

  private static final String MSGS =
      "\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]";
  private final SubmissionParser parser = new SubmissionParser();

  @Test
  void deadlineAndTtlAreParsedAndNotForwardedToTheBackend() throws Exception {
    Submission s =
        parser.parse("{" + MSGS + ",\"deadline\":\"2026-05-01T10:00:00+02:00\",\"ttl\":90}");

    assertThat(s.deadline()).isEqualTo(Instant.parse("2026-05-01T08:00:00Z"));
    assertThat(s.ttl()).isEqualTo(Duration.ofSeconds(90));
    assertThat(s.requestJson()).doesNotContain("deadline").doesNotContain("ttl");
  }

  @Test
  void badDeadlinesAndTtlsAreFieldErrors() {
    InvalidSubmissionException e =
        catchThrowableOfType(
            InvalidSubmissionException.class,
            () -> parser.parse("{" + MSGS + ",\"deadline\":\"tomorrow\",\"ttl\":0}"));
    assertThat(e.errors())
        .extracting(FieldError::field)
        .containsExactlyInAnyOrder("deadline", "ttl");
  }
}
