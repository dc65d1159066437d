package io.renqueue.tasks;

/** The kind of inference work. Only chat runs today; embeddings and RAG are planned. */
public enum TaskType {
  CHAT(true),
  EMBEDDING(false),
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
