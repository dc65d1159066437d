package io.renqueue.tasks;

/** The kind of inference work. Chat and embeddings run today; RAG is planned. */
public enum TaskType {
  CHAT(true),
  EMBEDDING(true),
  RAG(false);

  private final boolean supported;

  TaskType(boolean supported) {
    this.supported = supported;
  }

  public boolean isSupported() {
    return supported;
  }

  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public static TaskType fromWire(String value) {
    for (TaskType t : values()) {
      if (t.name().equalsIgnoreCase(value)) {
        return t;
      }
    }
    return null;
  }
}
