package io.renqueue.stack;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

/**
 * Secrets for the local stack, from the environment when set: RENQUEUE_DB_PASSWORD,
 * RENQUEUE_BROKER_USER, RENQUEUE_BROKER_PASSWORD, RENQUEUE_ADMIN_PASSWORD,
 * RENQUEUE_KEYSTORE_PASSWORD. The database and broker default to documented development values so
 * JMS producers can connect; the admin and keystore passwords are generated per run.
 */
record Credentials(
    String dbUser,
    String dbPassword,
    String brokerUser,
    String brokerPassword,
    String adminPassword,
    String keystorePassword) {

  static Credentials from(Map<String, String> env) {
    return new Credentials(
        "renqueue",
        env.getOrDefault("RENQUEUE_DB_PASSWORD", "renqueue"),
        env.getOrDefault("RENQUEUE_BROKER_USER", "renqueue"),
        env.getOrDefault("RENQUEUE_BROKER_PASSWORD", "renqueue"),
        env.getOrDefault("RENQUEUE_ADMIN_PASSWORD", random()),
        env.getOrDefault("RENQUEUE_KEYSTORE_PASSWORD", random()));
  }

  private static String random() {
    byte[] bytes = new byte[12];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
