package io.renqueue.routing;

import java.util.Locale;

/** Request features a model must support to be a candidate. */
public enum Feature {
  TOOLS,
  JSON,
  VISION;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Feature fromWire(String name) {
    for (Feature f : values()) {
      if (f.wireName().equals(name.trim().toLowerCase(Locale.ROOT))) {
        return f;
      }
    }
    throw new IllegalArgumentException("unknown feature '" + name + "'; use tools, json or vision");
  }
}
