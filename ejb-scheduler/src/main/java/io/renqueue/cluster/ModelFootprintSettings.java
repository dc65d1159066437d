package io.renqueue.cluster;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.ConfigProvider;

/** {@link ModelFootprints} from {@code renqueue.models.gpu-memory-mib}, read once. */
@ApplicationScoped
public class ModelFootprintSettings {

  private ModelFootprints footprints = ModelFootprints.NONE;

  @PostConstruct
  void load() {
    footprints =
        ModelFootprints.parse(
            ConfigProvider.getConfig()
                .getOptionalValue("renqueue.models.gpu-memory-mib", String.class)
                .orElse(""));
  }

  public ModelFootprints footprints() {
    return footprints;
  }
}
