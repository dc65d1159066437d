package io.renqueue.stack;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

/**
 * Where the database is and the secrets of the local stack, from the environment when set:
 * RENQUEUE_DB_HOST / _PORT / _NAME / _USER / _PASSWORD (an existing PostgreSQL instead of the
 * embedded one), RENQUEUE_BROKER_USER / _PASSWORD, RENQUEUE_ADMIN_PASSWORD, RENQUEUE_ADMIN_TOKEN
 * (the bearer token of the admin API), RENQUEUE_KEYSTORE_PASSWORD. The database and broker default
 * to documented development values so JMS producers can connect; the admin password, admin token
 * and keystore password are generated per run.
 */
record Credentials(
    String externalDbHost,
    String externalDbPort,
    String dbName,
    String dbUser,
    String dbPassword,
    String brokerUser,
    String brokerPassword,
    String adminPassword,
    String adminToken,
    String keystorePassword) {

  static Credentials from(Map<String, String> env) {
    return new Credentials(
        env.get("RENQUEUE_DB_HOST"),
        env.get("RENQUEUE_DB_PORT"),
        env.getOrDefault("RENQUEUE_DB_NAME", "renqueue"),
        env.getOrDefault("RENQUEUE_DB_USER", "renqueue"),
        env.getOrDefault("RENQUEUE_DB_PASSWORD", "renqueue"),
        env.getOrDefault("RENQUEUE_BROKER_USER", "renqueue"),
        env.getOrDefault("RENQUEUE_BROKER_PASSWORD", "renqueue"),
        env.getOrDefault("RENQUEUE_ADMIN_PASSWORD", random()),
        env.getOrDefault("RENQUEUE_ADMIN_TOKEN", random()),
        env.getOrDefault("RENQUEUE_KEYSTORE_PASSWORD", random()));
  }

  /** True when the launcher should start its own PostgreSQL. */
  boolean embeddedDatabase() {
    return externalDbHost == null || externalDbHost.isBlank();
  }

  String dbHost() {
    return embeddedDatabase() ? "127.0.0.1" : externalDbHost;
  }

  int dbPort(int embeddedPort) {
    return embeddedDatabase() || externalDbPort == null
        ? embeddedPort
        : Integer.parseInt(externalDbPort);
  }

  private static String random() {
    byte[] bytes = new byte[12];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
