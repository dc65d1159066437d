package io.renqueue.submission;

/**
 * A client that waits on its connection for the task's answer, and what its server listens for on
 * the stream topic under {@code key}: the answer text as the backend produces it ({@code
 * streaming}), or only the end of each attempt (a synchronous call).
 */
public record ClientWait(String key, boolean streaming) {

  public static ClientWait streaming(String key) {
    return new ClientWait(key, true);
  }

  public static ClientWait forTheEnd(String key) {
    return new ClientWait(key, false);
  }
}
