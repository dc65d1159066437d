package io.renqueue.backends;

/** Where answer text goes as a backend produces it, for a client that streams. */
public interface Relay {

  void text(String delta);

  default boolean active() {
    return true;
  }

  Relay NONE =
      new Relay() {
        @Override
        public void text(String delta) {}

        @Override
        public boolean active() {
          return false;
        }
      };
}
