package io.renqueue.scheduling;

import io.renqueue.tasks.Tenants;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Each tenant's share of the slots within a priority level, from {@code
 * renqueue.tenant.weights=acme=3,globex=1}. Tenants not listed get the default weight; a tenant
 * with weight 3 gets three times the tokens of a weight-1 tenant while both have work waiting.
 */
public record TenantWeights(Map<String, Double> weights, double defaultWeight) {

  public TenantWeights {
    weights = Collections.unmodifiableMap(new LinkedHashMap<>(weights));
    if (!(defaultWeight > 0)) {
      throw new IllegalArgumentException("The default tenant weight must be positive");
    }
  }

  public double of(String tenant) {
    return weights.getOrDefault(tenant, defaultWeight);
  }

  /**
   * Parses {@code id=weight} pairs separated by commas. Refuses the whole setting when one pair is
   * wrong: a silently ignored weight would be a fairness bug nobody sees.
   */
  public static TenantWeights parse(String setting, double defaultWeight) {
    Map<String, Double> weights = new LinkedHashMap<>();
    if (setting != null && !setting.isBlank()) {
      for (String pair : setting.split(",")) {
        String[] parts = pair.split("=", 2);
        String tenant = parts[0].trim();
        if (parts.length != 2 || !Tenants.ID.matcher(tenant).matches()) {
          throw new IllegalArgumentException(
              "renqueue.tenant.weights: '" + pair.trim() + "' is not tenant=weight");
        }
        double weight;
        try {
          weight = Double.parseDouble(parts[1].trim());
        } catch (NumberFormatException e) {
          weight = Double.NaN;
        }
        if (!(weight > 0) || Double.isInfinite(weight)) {
          throw new IllegalArgumentException(
              "renqueue.tenant.weights: the weight of " + tenant + " must be a positive number");
        }
        weights.put(tenant, weight);
      }
    }
    return new TenantWeights(weights, defaultWeight);
  }
}
