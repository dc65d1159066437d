package io.renqueue.tenancy;

import jakarta.annotation.PostConstruct;
import jakarta.ejb.DependsOn;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;

/** Writes the configured tenant weights once the schema is in place; every server does it. */
@Singleton
@Startup
@DependsOn("SchemaMigrations")
public class TenantWeightsAtStartup {

  @EJB private TenantDirectory directory;

  @PostConstruct
  void apply() {
    directory.applyWeights();
  }
}
