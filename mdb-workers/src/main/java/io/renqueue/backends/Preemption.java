package io.renqueue.backends;

/** Tells a backend call whether the scheduler has taken its slot back. */
public interface Preemption {

  boolean preempted();

  Preemption NEVER = () -> false;
}
