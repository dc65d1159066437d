package io.renqueue.routing;

import java.util.Locale;

/** Where a backend runs, which decides what it costs and how it may be used. */
public enum BackendKind {
  /** An OpenAI-compatible server on one of our GPU nodes: vLLM, Ollama, llama.cpp, TGI. */
  LOCAL,
  /** A cloud API within a free quota. */
  CLOUD_FREE,
  /** A cloud API that bills per token. */
  CLOUD_PAID;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public static BackendKind fromWire(String name) {
    for (BackendKind k : values()) {
      if (k.wireName().equals(name.trim().toLowerCase(Locale.ROOT))) {
        return k;
      }
    }
    throw new IllegalArgumentException(
        "unknown backend kind '" + name + "'; use local, cloud-free or cloud-paid");
  }
}
