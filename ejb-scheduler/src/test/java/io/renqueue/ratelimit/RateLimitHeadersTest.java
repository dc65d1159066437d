package io.renqueue.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RateLimitHeadersTest {

  private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

  @Test
  void retryAfterInSecondsOnA429IsTheCooldown() {
    var h = RateLimitHeaders.of(Map.of("Retry-After", List.of("30")));
    assertThat(RateLimitHeaders.cooldownUntil(h, 429, NOW)).contains(NOW.plusSeconds(30));
  }

  @Test
  void retryAfterAsAnHttpDateIsUnderstood() {
    var h = RateLimitHeaders.of(Map.of("retry-after", List.of("Mon, 23 Nov 2026 12:01:00 GMT")));
    assertThat(RateLimitHeaders.cooldownUntil(h, 503, NOW)).contains(NOW.plusSeconds(60));
  }

  @Test
  void anExhaustedBudgetCoolsTheBackendDownUntilItsResetEvenOnSuccess() {
    var h =
        RateLimitHeaders.of(
            Map.of(
                "x-ratelimit-remaining-requests", List.of("0"),
                "x-ratelimit-reset-requests", List.of("6m0s"),
                "x-ratelimit-remaining-tokens", List.of("1200"),
                "x-ratelimit-reset-tokens", List.of("2s")));
    assertThat(RateLimitHeaders.cooldownUntil(h, 200, NOW)).contains(NOW.plusSeconds(360));
  }

  @Test
  void budgetsLeftMeanNoCooldown() {
    var h =
        RateLimitHeaders.of(
            Map.of(
                "x-ratelimit-remaining-requests", List.of("5"),
                "x-ratelimit-reset-requests", List.of("1s")));
    assertThat(RateLimitHeaders.cooldownUntil(h, 200, NOW)).isEmpty();
  }

  @Test
  void theLaterOfRetryAfterAndTheResetWins() {
    var h =
        RateLimitHeaders.of(
            Map.of(
                "retry-after", List.of("5"),
                "x-ratelimit-remaining-tokens", List.of("0"),
                "x-ratelimit-reset-tokens", List.of("12.5s")));
    assertThat(RateLimitHeaders.cooldownUntil(h, 429, NOW)).contains(NOW.plusMillis(12_500));
  }

  @Test
  void aBare429BacksOffOneSecond() {
    assertThat(RateLimitHeaders.cooldownUntil(RateLimitHeaders.of(Map.of()), 429, NOW))
        .contains(NOW.plusSeconds(1));
  }

  @Test
  void retryAfterOnASuccessIsIgnoredAndGarbageIsHarmless() {
    var h = RateLimitHeaders.of(Map.of("retry-after", List.of("30")));
    assertThat(RateLimitHeaders.cooldownUntil(h, 200, NOW)).isEmpty();
    var junk = RateLimitHeaders.of(Map.of("retry-after", List.of("soon")));
    assertThat(RateLimitHeaders.cooldownUntil(junk, 503, NOW)).isEmpty();
  }

  @Test
  void resetDurationsInOpenAiNotation() {
    assertThat(RateLimitHeaders.duration("1s")).contains(Duration.ofSeconds(1));
    assertThat(RateLimitHeaders.duration("6m0s")).contains(Duration.ofMinutes(6));
    assertThat(RateLimitHeaders.duration("1h2m3.5s"))
        .contains(Duration.ofSeconds(3723).plusMillis(500));
    assertThat(RateLimitHeaders.duration("250ms")).contains(Duration.ofMillis(250));
    assertThat(RateLimitHeaders.duration("2m")).contains(Duration.ofMinutes(2));
    assertThat(RateLimitHeaders.duration("7")).contains(Duration.ofSeconds(7));
    assertThat(RateLimitHeaders.duration("later")).isEmpty();
  }
}
