package io.renqueue.stack;

import java.util.stream.Collectors;

/** What the quick start prints once everything is ready. */
final class Banner {

  private Banner() {}

  static String text(Topology t, Credentials c) {
    Topology.Server api = t.apiServer();
    String workers =
        t.servers().stream()
            .filter(Topology.Server::worker)
            .map(s -> s.url() + "/health")
            .collect(Collectors.joining(", "));
    String backends =
        t.simulators().stream()
            .map(s -> s.name() + " " + s.baseUrl())
            .collect(Collectors.joining(", "));
    return String.join(
        "\n",
        "",
        "Ren-Queue is up.",
        "  API            " + api.url() + "/api/v1/tasks",
        "  OpenAPI UI     " + api.url() + "/openapi/ui",
        "  Metrics        " + api.url() + "/metrics",
        "  Health         " + api.url() + "/health",
        "  Admin Center   https://127.0.0.1:"
            + api.httpsPort()
            + "/adminCenter  (user admin, password "
            + c.adminPassword()
            + ")",
        "  Admin API      "
            + api.url()
            + "/api/v1/backends, /api/v1/splits  (Authorization: Bearer "
            + c.adminToken()
            + ")",
        "  Workers        " + workers,
        "  JMS broker     tcp://127.0.0.1:"
            + t.brokerPort()
            + "  (user "
            + c.brokerUser()
            + ", password "
            + c.brokerPassword()
            + "; submit to queue renqueue.submit)",
        "  Database       jdbc:postgresql://"
            + c.dbHost()
            + ":"
            + c.dbPort(t.databasePort())
            + "/"
            + c.dbName()
            + "  (user "
            + c.dbUser()
            + ")",
        "  Backends       " + backends,
        "",
        "Try:  curl -s -X POST "
            + api.url()
            + "/api/v1/tasks -H 'Content-Type: application/json' \\",
        "        -d '{\"model\":\"sim-small\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}'",
        "",
        "Press Ctrl-C to stop everything.",
        "");
  }
}
