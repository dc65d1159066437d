package io.renqueue.routing;

/** US dollars per million input and output tokens; zero for local and free backends. */
public record Price(double inputPerMillion, double outputPerMillion) {

  public static final Price FREE = new Price(0, 0);

  public Price {
    if (inputPerMillion < 0 || outputPerMillion < 0) {
      throw new IllegalArgumentException("prices must not be negative");
    }
  }

  public double cost(long inputTokens, long outputTokens) {
    return (inputTokens * inputPerMillion + outputTokens * outputPerMillion) / 1_000_000.0;
  }

  public boolean isFree() {
    return inputPerMillion == 0 && outputPerMillion == 0;
  }
}
