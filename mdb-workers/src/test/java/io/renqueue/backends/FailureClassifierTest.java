package io.renqueue.backends;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FailureClassifierTest {

  @ParameterizedTest
  @ValueSource(ints = {408, 429, 500, 502, 503, 504})
  void rateLimitsServerErrorsAndTimeoutsAreRetried(int status) {
    assertThat(FailureClassifier.isRetryable(status)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(ints = {400, 401, 403, 404, 413, 422})
  void otherClientErrorsAreNeverRetried(int status) {
    assertThat(FailureClassifier.isRetryable(status)).isFalse();
  }
}
