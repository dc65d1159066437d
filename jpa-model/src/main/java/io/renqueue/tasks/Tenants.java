package io.renqueue.tasks;

/** Tenancy until authentication lands: every task belongs to the built-in default tenant. */
public final class Tenants {

  public static final String DEFAULT = "default";

  private Tenants() {}
}
