package io.renqueue.api.tenancy;

import io.renqueue.api.problems.ProblemException;
import io.renqueue.api.problems.ProblemType;
import io.renqueue.tasks.Tenants;

/**
 * The tenant a REST call acts for: the {@code X-Tenant} header, or the default tenant without one.
 * Every task call is scoped to it: a task of another tenant is "not found".
 */
public final class TenantHeader {

  public static final String NAME = "X-Tenant";

  private TenantHeader() {}

  public static String resolve(String header) {
    return Tenants.resolve(header)
        .orElseThrow(
            () ->
                new ProblemException(
                    ProblemType.INVALID_REQUEST,
                    "The " + NAME + " header is not a valid tenant id: " + Tenants.describeRule()));
  }
}
