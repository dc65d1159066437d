package io.renqueue.api.problems;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

class DependencyOutageTest {

  @Test
  void aLostOrRefusedDatabaseConnectionIsAnOutage() {
    assertThat(DependencyOutage.causedBy(new SQLException("refused", "08001"))).isTrue();
    assertThat(DependencyOutage.causedBy(new SQLException("admin shutdown", "57P01"))).isTrue();
    assertThat(DependencyOutage.causedBy(new SQLTransientConnectionException("pool"))).isTrue();
  }

  @Test
  void anOutageDeepInTheCauseChainCounts() {
    RuntimeException wrapped =
        new IllegalStateException(
            "EJB failed", new RuntimeException("tx", new SQLException("gone", "08006")));
    assertThat(DependencyOutage.causedBy(wrapped)).isTrue();
  }

  @Test
  void aResourceLostInTheMiddleOfATwoPhaseCommitIsAnOutage() {
    RuntimeException rolledBack =
        new IllegalStateException(
            "EJB transaction rolled back", new jakarta.transaction.HeuristicMixedException());
    assertThat(DependencyOutage.causedBy(rolledBack)).isTrue();
  }

  @Test
  void bugsAndBadSqlAreNotOutages() {
    assertThat(DependencyOutage.causedBy(new NullPointerException())).isFalse();
    assertThat(DependencyOutage.causedBy(new SQLException("syntax", "42601"))).isFalse();
    assertThat(DependencyOutage.causedBy(new SQLException("no state"))).isFalse();
  }
}
