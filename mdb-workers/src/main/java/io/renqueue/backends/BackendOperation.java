package io.renqueue.backends;

/** One attempt of one kind of request on one backend: a chat completion, an embedding. */
@FunctionalInterface
public interface BackendOperation {

  ChatAnswer perform(BackendTarget target, String requestJson, Relay relay)
      throws InterruptedException;
}
