package io.renqueue.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class GpuStatusTest {

  @Test
  void nvidiaSmiOutputGivesOneDevicePerLine() {
    GpuStatus gpu =
        GpuStatus.fromNvidiaSmi(
            "NVIDIA A100-SXM4-80GB, 40321, 81920, 87\nNVIDIA A100-SXM4-80GB, 12, 81920, 0\n");
    assertThat(gpu.source()).isEqualTo("nvidia-smi");
    assertThat(gpu.devices())
        .containsExactly(
            new GpuStatus.Device("NVIDIA A100-SXM4-80GB", 40321, 81920, 87),
            new GpuStatus.Device("NVIDIA A100-SXM4-80GB", 12, 81920, 0));
    assertThat(gpu.toJson())
        .contains("\"memory_total_mib\":81920")
        .contains("\"utilization_percent\":87");
  }

  @Test
  void unreadableLinesAreLeftOut() {
    assertThat(GpuStatus.fromNvidiaSmi("Tesla T4, [N/A], 15360, 3\ngarbage").devices()).isEmpty();
  }

  @Test
  void aDeclaredProfileNamesEachGpuAndItsMemory() {
    GpuStatus gpu = GpuStatus.declared("L4:23034, L4:23034");
    assertThat(gpu.source()).isEqualTo("declared");
    assertThat(gpu.devices()).hasSize(2).allMatch(d -> d.memoryTotalMib() == 23034);
    assertThat(GpuStatus.declared("").devices()).isEmpty();
    assertThatThrownBy(() -> GpuStatus.declared("L4:lots"))
        .hasMessageContaining("'L4:lots' is not name:memory-total-mib");
  }

  @Test
  void theLargestFreeMemoryOnOneGpuDecidesWhatFits() {
    GpuStatus gpu =
        GpuStatus.fromNvidiaSmi(
            "NVIDIA A100-SXM4-80GB, 40321, 81920, 87\nNVIDIA A100-SXM4-80GB, 12, 81920, 0");

    assertThat(gpu.largestFreeMib()).isEqualTo(81908);
    assertThat(GpuStatus.declared("").largestFreeMib()).isEqualTo(-1);
  }

  @Test
  void aDeclaredProfileCountsWhatItsLoadedModelsTake() {
    GpuStatus gpu = GpuStatus.declared("L4:23034").withDeclaredUse(16000);

    assertThat(gpu.devices().get(0).memoryUsedMib()).isEqualTo(16000);
    assertThat(gpu.largestFreeMib()).isEqualTo(7034);
  }

  @Test
  void readsBackWhatItWrote() {
    GpuStatus gpu = GpuStatus.declared("L4:23034,L4:23034").withDeclaredUse(1000);

    assertThat(GpuStatus.fromJson(gpu.toJson())).isEqualTo(gpu);
    assertThat(GpuStatus.fromJson("not json").largestFreeMib()).isEqualTo(-1);
    assertThat(GpuStatus.fromJson(null).largestFreeMib()).isEqualTo(-1);
  }
}
