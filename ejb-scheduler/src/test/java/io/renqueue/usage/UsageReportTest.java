package io.renqueue.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.renqueue.routing.Price;
import java.util.List;
import org.junit.jupiter.api.Test;

class UsageReportTest {

  private final List<UsageReport.Row> rows =
      List.of(
          new UsageReport.Row("gpu-1", "acme", 10, 1_000_000, 500_000, 0),
          new UsageReport.Row("openai", "acme", 2, 100_000, 50_000, 0.5),
          new UsageReport.Row("gpu-1", "globex", 5, 400_000, 100_000, 0));

  @Test
  void totalsAndBreakdownsAddUp() {
    UsageReport r = UsageReport.of(rows, null, null);
    assertThat(r.totals()).isEqualTo(new UsageReport.Totals(17, 1_500_000, 650_000, 0.5));
    assertThat(r.byBackend()).extracting(UsageReport.Line::name).containsExactly("openai", "gpu-1");
    assertThat(r.byBackend().get(1).totals().tasks()).isEqualTo(15);
    assertThat(r.byTenant()).extracting(UsageReport.Line::name).containsExactly("acme", "globex");
    assertThat(r.reference()).isNull();
  }

  @Test
  void savingsAreWhatTheSameTokensWouldHaveCostOnTheReferenceBackendMinusWhatWasPaid() {
    UsageReport r = UsageReport.of(rows, "openai", new Price(2.5, 10));
    double baseline = 1.5 * 2.5 + 0.65 * 10;
    assertThat(r.reference().costUsd()).isCloseTo(baseline, within(1e-9));
    assertThat(r.reference().savingsUsd()).isCloseTo(baseline - 0.5, within(1e-9));
  }
}
