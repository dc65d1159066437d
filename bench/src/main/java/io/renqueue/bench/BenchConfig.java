package io.renqueue.bench;

/** Where the benchmark finds the stack and how hard it pushes; all from system properties. */
record BenchConfig(
    String apiUrl,
    String jdbcUrl,
    String dbUser,
    String dbPassword,
    String brokerUrl,
    String brokerUser,
    String brokerPassword,
    int tasks,
    int clients,
    int seconds,
    String output) {

  static BenchConfig fromSystemProperties() {
    return new BenchConfig(
        System.getProperty("bench.api", "http://127.0.0.1:29080"),
        System.getProperty("bench.jdbc", "jdbc:postgresql://127.0.0.1:35432/renqueue"),
        System.getProperty("bench.db.user", "renqueue"),
        System.getProperty("bench.db.password", "renqueue"),
        System.getProperty("bench.broker", "tcp://127.0.0.1:61636"),
        System.getProperty("bench.broker.user", "renqueue"),
        System.getProperty("bench.broker.password", "renqueue"),
        Integer.getInteger("bench.tasks", 2000),
        Integer.getInteger("bench.clients", 16),
        Integer.getInteger("bench.seconds", 10),
        System.getProperty("bench.output", "target/benchmark-results.md"));
  }
}
