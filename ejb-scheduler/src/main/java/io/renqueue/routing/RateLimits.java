package io.renqueue.routing;

/**
 * What a backend allows, shared by every server that calls it; 0 means no limit.
 *
 * @param requestsPerMinute requests in any 60 s
 * @param tokensPerMinute prompt + answer tokens in any 60 s
 * @param requestsPerDay requests per UTC day
 * @param maxConcurrency requests in flight at once
 */
public record RateLimits(
    int requestsPerMinute, int tokensPerMinute, int requestsPerDay, int maxConcurrency) {

  public static final RateLimits NONE = new RateLimits(0, 0, 0, 0);

  public RateLimits {
    if (requestsPerMinute < 0 || tokensPerMinute < 0 || requestsPerDay < 0 || maxConcurrency < 0) {
      throw new IllegalArgumentException("rate limits must not be negative");
    }
  }

  public boolean isLimited() {
    return requestsPerMinute > 0 || tokensPerMinute > 0 || requestsPerDay > 0 || maxConcurrency > 0;
  }
}
