package io.renqueue.tasks;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

/**
 * Keyset position in a newest-first listing: the (created_at, id) of the last task on a page.
 * Encoded opaquely so clients treat it as a token, not a query language.
 */
public record ListCursor(Instant createdAt, UUID id) {

  public String encode() {
    String raw = createdAt.toString() + "|" + id;
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }

  /** Decodes a cursor; throws {@link IllegalArgumentException} for anything not made by encode. */
  public static ListCursor decode(String token) {
    try {
      String raw = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
      int bar = raw.indexOf('|');
      return new ListCursor(
          Instant.parse(raw.substring(0, bar)), UUID.fromString(raw.substring(bar + 1)));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("Not a valid cursor: " + token, e);
    }
  }
}
