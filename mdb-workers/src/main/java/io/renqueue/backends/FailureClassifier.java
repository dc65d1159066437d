package io.renqueue.backends;

/**
 * Which backend failures are worth another try. Rate limits, server errors and timeouts are
 * transient; any other 4xx means the request itself is wrong and retrying only repeats it.
 */
public final class FailureClassifier {

  private FailureClassifier() {}

  public static boolean isRetryable(int httpStatus) {
    return httpStatus == 408 || httpStatus == 429 || httpStatus >= 500;
  }
}
