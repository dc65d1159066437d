package io.renqueue.routing;

import io.renqueue.routing.RoutingDecision.Candidate;
import io.renqueue.routing.RoutingDecision.Rejection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Chooses backends for a task: first every backend that cannot or may not serve it is left out
 * (model, context length, answer length, features, the task's constraints, cooldowns, open
 * circuits), then the rest are ranked by one score,
 *
 * <pre>
 * score = w_cost × cost / max_cost + w_latency × expected / max_expected + w_load × load
 *       + w_headroom × (1 − headroom) + w_quality × (1 − quality / 10) + kind bias
 * </pre>
 *
 * with the weights of the task's {@link RoutingPolicy}. Terms are normalised over the candidates of
 * this task, so each weight means the same whatever the prices. Under the cost policy a local
 * backend is preferred to a free cloud quota at equal terms (the quota is finite, the GPU is ours).
 */
public final class Router {

  /** Assumed until a backend has been measured. */
  static final double PRIOR_TTFT_MILLIS = 1000;

  static final double PRIOR_TOKENS_PER_SECOND = 50;

  private Router() {}

  public static RoutingDecision route(
      RouteRequest request,
      List<BackendDefinition> backends,
      Map<String, BackendStatus> status,
      Instant now) {
    RoutingConstraints c = request.constraints();
    List<Rejection> rejected = new ArrayList<>();
    List<Eligible> eligible = new ArrayList<>();
    for (BackendDefinition b : backends) {
      BackendStatus s = status.getOrDefault(b.name(), BackendStatus.unknown(b.name()));
      Optional<ModelOffer> offer = b.offerFor(request.model());
      String why = reasonToSkip(request, b, offer, s, now);
      if (why != null) {
        Instant back =
            s.coolingUntil() != null && s.coolingUntil().isAfter(now) ? s.coolingUntil() : null;
        rejected.add(new Rejection(b.name(), why, why.startsWith("cooling") ? back : null));
        continue;
      }
      double cost = b.price().cost(request.promptTokens(), request.maxTokens());
      if (c.maxCostUsd() != null && cost > c.maxCostUsd()) {
        rejected.add(
            new Rejection(
                b.name(),
                String.format(
                    Locale.ROOT, "estimated $%.6f over max_cost_usd %.6f", cost, c.maxCostUsd()),
                null));
        continue;
      }
      eligible.add(new Eligible(b, offer.get(), s, cost, expectedMillis(s, request.maxTokens())));
    }
    return new RoutingDecision(c.policy(), rank(eligible, c.policy(), request), rejected);
  }

  private static String reasonToSkip(
      RouteRequest r,
      BackendDefinition b,
      Optional<ModelOffer> offer,
      BackendStatus s,
      Instant now) {
    RoutingConstraints c = r.constraints();
    if (offer.isEmpty()) {
      return "does not serve model " + r.model();
    }
    ModelOffer m = offer.get();
    if (c.policy() == RoutingPolicy.LOCAL_ONLY && b.kind() != BackendKind.LOCAL) {
      return "policy local-only, backend is " + b.kind().wireName();
    }
    if (!c.allowPaid() && b.kind() == BackendKind.CLOUD_PAID) {
      return "allow_paid is false";
    }
    for (Map.Entry<String, String> tag : c.tags().entrySet()) {
      if (!tag.getValue().equals(b.tags().get(tag.getKey()))) {
        return "lacks tag " + tag.getKey() + "=" + tag.getValue();
      }
    }
    if (!m.features().containsAll(r.features())) {
      return "model lacks " + r.features().stream().filter(f -> !m.features().contains(f)).toList();
    }
    if (r.promptTokens() + r.maxTokens() > m.contextWindow()) {
      return "context window "
          + m.contextWindow()
          + " < ~"
          + r.promptTokens()
          + " prompt + "
          + r.maxTokens()
          + " answer tokens";
    }
    if (r.maxTokens() > m.maxOutput()) {
      return "max output " + m.maxOutput() + " < max_tokens " + r.maxTokens();
    }
    if (s.circuitOpen()) {
      return "circuit open: recent calls failed";
    }
    if (s.coolingUntil() != null && s.coolingUntil().isAfter(now)) {
      return "cooling down until " + s.coolingUntil();
    }
    return null;
  }

  private static List<Candidate> rank(List<Eligible> eligible, RoutingPolicy p, RouteRequest r) {
    double maxCost = eligible.stream().mapToDouble(Eligible::cost).max().orElse(0);
    double maxExpected = eligible.stream().mapToDouble(Eligible::expected).max().orElse(0);
    List<Candidate> ranked = new ArrayList<>();
    for (Eligible e : eligible) {
      double cost = maxCost > 0 ? e.cost() / maxCost : 0;
      double latency = maxExpected > 0 ? e.expected() / maxExpected : 0;
      double load = load(e.status().inFlight(), e.backend().limits().maxConcurrency());
      double pressure = 1 - clamp(e.status().headroom());
      double quality = 1 - clamp(e.offer().quality() / 10.0);
      double bias =
          p == RoutingPolicy.COST && e.backend().kind() == BackendKind.CLOUD_FREE ? 0.05 : 0;
      double score =
          p.cost * cost
              + p.latency * latency
              + p.load * load
              + p.headroom * pressure
              + p.quality * quality
              + bias;
      String why =
          String.format(
              Locale.ROOT,
              "%s: cost %.2f, latency %.2f, load %.2f, rate pressure %.2f, quality %.2f%s",
              e.backend().kind().wireName(),
              cost,
              latency,
              load,
              pressure,
              quality,
              bias > 0 ? ", free-quota bias 0.05" : "");
      ranked.add(
          new Candidate(
              e.backend().name(),
              e.offer().upstreamFor(r.model()),
              round(score),
              e.cost(),
              Math.round(e.expected()),
              why));
    }
    ranked.sort(Comparator.comparingDouble(Candidate::score).thenComparing(Candidate::backend));
    return ranked;
  }

  /** Expected time to the whole answer: measured medians, or the priors before any sample. */
  static double expectedMillis(BackendStatus s, int maxTokens) {
    double ttft = s.ttftMillis() != null ? s.ttftMillis() : PRIOR_TTFT_MILLIS;
    double speed =
        s.tokensPerSecond() != null && s.tokensPerSecond() > 0
            ? s.tokensPerSecond()
            : PRIOR_TOKENS_PER_SECOND;
    return ttft + maxTokens / speed * 1000;
  }

  /** In-flight requests against the concurrency limit; without one, a soft curve. */
  static double load(int inFlight, int maxConcurrency) {
    if (maxConcurrency > 0) {
      return clamp((double) inFlight / maxConcurrency);
    }
    return inFlight / (inFlight + 4.0);
  }

  private static double clamp(double v) {
    return Math.max(0, Math.min(1, v));
  }

  private static double round(double v) {
    return Math.round(v * 10_000) / 10_000.0;
  }

  private record Eligible(
      BackendDefinition backend,
      ModelOffer offer,
      BackendStatus status,
      double cost,
      double expected) {}
}
