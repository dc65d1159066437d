package io.renqueue.usage;

import io.renqueue.routing.Price;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Tokens and money over a period: totals, per backend, per tenant, and what the same tokens would
 * have cost on the reference paid backend (the "everything on the cloud API" baseline), so the
 * savings of routing to local and free backends show in dollars.
 */
public record UsageReport(
    Totals totals, List<Line> byBackend, List<Line> byTenant, Reference reference) {

  /** Succeeded tasks of one backend and tenant: the unit the database groups by. */
  public record Row(
      String backend,
      String tenant,
      long tasks,
      long promptTokens,
      long completionTokens,
      double costUsd) {}

  public record Totals(long tasks, long promptTokens, long completionTokens, double costUsd) {
    Totals plus(Row r) {
      return new Totals(
          tasks + r.tasks(),
          promptTokens + r.promptTokens(),
          completionTokens + r.completionTokens(),
          costUsd + r.costUsd());
    }
  }

  public record Line(String name, Totals totals) {}

  /**
   * @param backend the reference backend's name, or null when none is configured or priced
   * @param costUsd what every token of the period would have cost there
   */
  public record Reference(String backend, double costUsd, double savingsUsd) {}

  public static UsageReport of(List<Row> rows, String referenceBackend, Price referencePrice) {
    Totals totals = new Totals(0, 0, 0, 0);
    Map<String, Totals> backends = new LinkedHashMap<>();
    Map<String, Totals> tenants = new LinkedHashMap<>();
    for (Row r : rows) {
      totals = totals.plus(r);
      backends.merge(r.backend(), new Totals(0, 0, 0, 0).plus(r), UsageReport::sum);
      tenants.merge(r.tenant(), new Totals(0, 0, 0, 0).plus(r), UsageReport::sum);
    }
    Reference reference = null;
    if (referenceBackend != null && referencePrice != null) {
      double baseline = referencePrice.cost(totals.promptTokens(), totals.completionTokens());
      reference = new Reference(referenceBackend, baseline, baseline - totals.costUsd());
    }
    return new UsageReport(totals, lines(backends), lines(tenants), reference);
  }

  private static Totals sum(Totals a, Totals b) {
    return new Totals(
        a.tasks() + b.tasks(),
        a.promptTokens() + b.promptTokens(),
        a.completionTokens() + b.completionTokens(),
        a.costUsd() + b.costUsd());
  }

  private static List<Line> lines(Map<String, Totals> byName) {
    List<Line> lines = new ArrayList<>();
    byName.forEach((name, t) -> lines.add(new Line(name, t)));
    lines.sort(
        Comparator.comparing((Function<Line, Double>) l -> l.totals().costUsd())
            .reversed()
            .thenComparing(Line::name));
    return lines;
  }
}
