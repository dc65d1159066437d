package io.renqueue.cluster;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * GPU memory each model needs once loaded, in MiB, from {@code
 * renqueue.models.gpu-memory-mib=llama-70b=40000,qwen-7b=16000}. Models not listed have no known
 * need and placement does not judge them by memory.
 */
public record ModelFootprints(Map<String, Long> mib) {

  public static final ModelFootprints NONE = new ModelFootprints(Map.of());

  public ModelFootprints {
    mib = Map.copyOf(mib);
  }

  public static ModelFootprints parse(String setting) {
    Map<String, Long> needs = new LinkedHashMap<>();
    for (String entry : setting == null ? new String[0] : setting.split(",")) {
      if (entry.isBlank()) {
        continue;
      }
      String[] f = entry.split("=");
      try {
        long need = f.length == 2 ? Long.parseLong(f[1].trim()) : -1;
        if (f[0].isBlank() || need <= 0) {
          throw new NumberFormatException();
        }
        needs.put(f[0].trim(), need);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "renqueue.models.gpu-memory-mib: '" + entry.trim() + "' is not model=MiB (MiB > 0)");
      }
    }
    return new ModelFootprints(needs);
  }

  public Optional<Long> need(String model) {
    return Optional.ofNullable(mib.get(model));
  }

  /** What these loaded models take together (those with a known need). */
  public long total(Collection<String> loaded) {
    return loaded.stream().mapToLong(m -> mib.getOrDefault(m, 0L)).sum();
  }
}
