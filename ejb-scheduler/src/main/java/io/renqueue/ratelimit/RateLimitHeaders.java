package io.renqueue.ratelimit;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads what a backend says about its own limits. {@code Retry-After} (seconds or an HTTP date, on
 * 429 and 503) and OpenAI-style {@code x-ratelimit-remaining-requests|tokens} with {@code
 * x-ratelimit-reset-requests|tokens} ({@code 1s}, {@code 6m0s}, {@code 250ms}) both give the time
 * before which the backend must not be called again: its cooldown, shared by every server.
 */
public final class RateLimitHeaders {

  private static final Pattern DURATION =
      Pattern.compile(
          "(?:(\\d+(?:\\.\\d+)?)h)?(?:(\\d+(?:\\.\\d+)?)m(?!s))?(?:(\\d+(?:\\.\\d+)?)s)?(?:(\\d+(?:\\.\\d+)?)ms)?");

  private RateLimitHeaders() {}

  /**
   * The cooldown the headers ask for, if any.
   *
   * @param header looks up a response header by lower-case name
   * @param status the HTTP status of the response
   */
  public static Optional<Instant> cooldownUntil(
      Function<String, Optional<String>> header, int status, Instant now) {
    Optional<Instant> retryAfter =
        status == 429 || status == 503
            ? header.apply("retry-after").flatMap(v -> retryAfter(v, now))
            : Optional.empty();
    Optional<Instant> exhausted =
        List.of("requests", "tokens").stream()
            .filter(
                kind ->
                    header
                        .apply("x-ratelimit-remaining-" + kind)
                        .map(RateLimitHeaders::isZero)
                        .orElse(false))
            .map(
                kind ->
                    header.apply("x-ratelimit-reset-" + kind).flatMap(RateLimitHeaders::duration))
            .flatMap(Optional::stream)
            .map(now::plus)
            .max(Instant::compareTo);
    if (status == 429 && retryAfter.isEmpty() && exhausted.isEmpty()) {
      // A bare 429: back off briefly rather than hammer it.
      return Optional.of(now.plusSeconds(1));
    }
    return retryAfter.isPresent() && exhausted.isPresent()
        ? Optional.of(max(retryAfter.get(), exhausted.get()))
        : retryAfter.or(() -> exhausted);
  }

  /** A case-insensitive view of response headers as the HTTP client hands them over. */
  public static Function<String, Optional<String>> of(Map<String, List<String>> headers) {
    return name ->
        headers.entrySet().stream()
            .filter(e -> e.getKey() != null && e.getKey().equalsIgnoreCase(name))
            .flatMap(e -> e.getValue().stream())
            .findFirst();
  }

  static Optional<Instant> retryAfter(String value, Instant now) {
    String v = value.trim();
    try {
      double seconds = Double.parseDouble(v);
      return seconds < 0 ? Optional.empty() : Optional.of(now.plusMillis((long) (seconds * 1000)));
    } catch (NumberFormatException e) {
      try {
        return Optional.of(
            ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
      } catch (DateTimeParseException notADate) {
        return Optional.empty();
      }
    }
  }

  /** {@code 1s}, {@code 6m0s}, {@code 1h2m3.5s}, {@code 250ms}, or plain seconds. */
  static Optional<Duration> duration(String value) {
    String v = value.trim();
    if (v.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Duration.ofMillis((long) (Double.parseDouble(v) * 1000)));
    } catch (NumberFormatException e) {
      Matcher m = DURATION.matcher(v);
      if (!m.matches()) {
        return Optional.empty();
      }
      double millis =
          part(m.group(1)) * 3_600_000
              + part(m.group(2)) * 60_000
              + part(m.group(3)) * 1000
              + part(m.group(4));
      return Optional.of(Duration.ofMillis((long) millis));
    }
  }

  private static double part(String g) {
    return g == null ? 0 : Double.parseDouble(g);
  }

  private static boolean isZero(String v) {
    try {
      return Double.parseDouble(v.trim()) <= 0;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }
}
