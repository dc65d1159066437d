package io.renqueue.schema;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Which schema scripts still have to run. Scripts are named {@code V<number>__<what>.sql} and run
 * in number order, each once.
 */
public final class MigrationPlan {

  private MigrationPlan() {}

  public static List<String> pending(List<String> available, Set<Integer> applied) {
    List<String> pending = new ArrayList<>();
    for (String script : available) {
      if (!applied.contains(version(script))) {
        pending.add(script);
      }
    }
    pending.sort(Comparator.comparingInt(MigrationPlan::version));
    return pending;
  }

  public static int version(String script) {
    if (!script.matches("V\\d+__[\\w-]+\\.sql")) {
      throw new IllegalArgumentException("Not a migration script name: " + script);
    }
    return Integer.parseInt(script.substring(1, script.indexOf("__")));
  }
}
