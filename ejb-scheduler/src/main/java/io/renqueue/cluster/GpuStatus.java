package io.renqueue.cluster;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A node's GPUs: measured with {@code nvidia-smi} where there is one, otherwise the profile the
 * node declares in its configuration ({@code source} says which).
 */
public record GpuStatus(String source, List<Device> devices) {

  /** One GPU; memory in MiB, utilisation in percent. */
  public record Device(
      String name, long memoryUsedMib, long memoryTotalMib, int utilizationPercent) {}

  public GpuStatus {
    devices = List.copyOf(devices);
  }

  /** The query whose CSV output {@link #fromNvidiaSmi} reads. */
  public static final List<String> NVIDIA_SMI =
      List.of(
          "nvidia-smi",
          "--query-gpu=name,memory.used,memory.total,utilization.gpu",
          "--format=csv,noheader,nounits");

  /**
   * Parses {@code nvidia-smi --query-gpu=name,memory.used,memory.total,utilization.gpu
   * --format=csv,noheader,nounits}; lines it cannot read are left out.
   */
  public static GpuStatus fromNvidiaSmi(String csv) {
    List<Device> devices = new ArrayList<>();
    for (String line : csv.split("\\R")) {
      String[] f = line.split(",");
      if (f.length != 4) {
        continue;
      }
      try {
        devices.add(
            new Device(
                f[0].trim(),
                Long.parseLong(f[1].trim()),
                Long.parseLong(f[2].trim()),
                Integer.parseInt(f[3].trim())));
      } catch (NumberFormatException e) {
        // "[N/A]" on some boards: skip the device rather than report nonsense
      }
    }
    return new GpuStatus("nvidia-smi", devices);
  }

  /** A declared profile: {@code renqueue.node.gpu=name:memory-total-mib[,…]} (none: no GPU). */
  public static GpuStatus declared(String profile) {
    List<Device> devices = new ArrayList<>();
    for (String entry : profile == null ? new String[0] : profile.split(",")) {
      if (entry.isBlank()) {
        continue;
      }
      String[] f = entry.split(":");
      try {
        devices.add(new Device(f[0].trim(), 0, f.length > 1 ? Long.parseLong(f[1].trim()) : 0, 0));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "renqueue.node.gpu: '" + entry.trim() + "' is not name:memory-total-mib");
      }
    }
    return new GpuStatus("declared", devices);
  }

  /**
   * A declared profile with {@code usedMib} in use on its first GPU: a node without {@code
   * nvidia-smi} counts what its loaded models take ({@link ModelFootprints}).
   */
  public GpuStatus withDeclaredUse(long usedMib) {
    if (!source.equals("declared") || devices.isEmpty() || usedMib <= 0) {
      return this;
    }
    List<Device> withUse = new ArrayList<>(devices);
    Device first = withUse.get(0);
    withUse.set(
        0,
        new Device(
            first.name(),
            Math.min(usedMib, first.memoryTotalMib()),
            first.memoryTotalMib(),
            first.utilizationPercent()));
    return new GpuStatus(source, withUse);
  }

  /** The most memory free on one GPU (a model loads on one), MiB; -1 when no GPU is known. */
  public long largestFreeMib() {
    return devices.stream()
        .mapToLong(d -> Math.max(0, d.memoryTotalMib() - d.memoryUsedMib()))
        .max()
        .orElse(-1);
  }

  /** Reads what {@link #toJson} wrote (a node row's {@code gpu}); no GPU when unreadable. */
  public static GpuStatus fromJson(String json) {
    if (json == null || json.isBlank()) {
      return new GpuStatus("none", List.of());
    }
    try (var reader = Json.createReader(new java.io.StringReader(json))) {
      var o = reader.readObject();
      List<Device> devices = new ArrayList<>();
      for (var d : o.getJsonArray("devices").getValuesAs(jakarta.json.JsonObject.class)) {
        devices.add(
            new Device(
                d.getString("name", ""),
                d.getJsonNumber("memory_used_mib").longValue(),
                d.getJsonNumber("memory_total_mib").longValue(),
                d.getInt("utilization_percent", 0)));
      }
      return new GpuStatus(o.getString("source", "declared"), devices);
    } catch (RuntimeException e) {
      return new GpuStatus("none", List.of());
    }
  }

  public String toJson() {
    JsonArrayBuilder list = Json.createArrayBuilder();
    for (Device d : devices) {
      list.add(
          Json.createObjectBuilder()
              .add("name", d.name())
              .add("memory_used_mib", d.memoryUsedMib())
              .add("memory_total_mib", d.memoryTotalMib())
              .add("utilization_percent", d.utilizationPercent()));
    }
    return Json.createObjectBuilder()
        .add("source", source.toLowerCase(Locale.ROOT))
        .add("devices", list)
        .build()
        .toString();
  }
}
