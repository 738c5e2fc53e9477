package dev.sublayer.evaluator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProcessMemoryTest {

    @Test
    void heapSizesReadAsTheJvmReadsThem() {
        assertThat(ProcessMemory.heapBytes("2g")).isEqualTo(2L << 30);
        assertThat(ProcessMemory.heapBytes("768M")).isEqualTo(768L << 20);
        assertThat(ProcessMemory.heapBytes("512k")).isEqualTo(512L << 10);
        assertThat(ProcessMemory.heapBytes("1048576")).isEqualTo(1L << 20);
        for (String bad : new String[] {"", "g", "2x", "-1g", "0", "99999999999999g"}) {
            assertThatThrownBy(() -> ProcessMemory.heapBytes(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not a size");
        }
    }

    @Test
    void aProcessMayHoldFourHeapsButNeverMoreThanItsShareOfTheMachine() {
        long machine = ProcessMemory.machineBytes();
        assertThat(machine).isPositive();
        long share = (long) (machine * ProcessMemory.MACHINE_SHARE);
        assertThat(ProcessMemory.physicalCap(64L << 20, 1)).isEqualTo(Math.min(256L << 20, share));
        assertThat(ProcessMemory.physicalCap(machine, 1)).isEqualTo(share);
        assertThat(ProcessMemory.physicalCap(machine, 4)).isEqualTo((long) (machine * ProcessMemory.MACHINE_SHARE / 4));
        assertThat(ProcessMemory.physicalCap(Long.MAX_VALUE, 1)).isEqualTo(share);
        assertThatThrownBy(() -> ProcessMemory.physicalCap(1L << 30, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void thisProcessIsCappedUnlessItsCommandLineSetTheLimit() {
        String saved = System.getProperty(ProcessMemory.MAX_PHYSICAL_BYTES);
        try {
            System.clearProperty(ProcessMemory.MAX_PHYSICAL_BYTES);
            ProcessMemory.capThisProcess();
            assertThat(System.getProperty(ProcessMemory.MAX_PHYSICAL_BYTES)).isEqualTo(Long.toString(
                    ProcessMemory.physicalCap(Runtime.getRuntime().maxMemory(), 1)));
            System.setProperty(ProcessMemory.MAX_PHYSICAL_BYTES, "3g");
            ProcessMemory.capThisProcess();
            assertThat(System.getProperty(ProcessMemory.MAX_PHYSICAL_BYTES)).isEqualTo("3g");
        } finally {
            if (saved == null) {
                System.clearProperty(ProcessMemory.MAX_PHYSICAL_BYTES);
            } else {
                System.setProperty(ProcessMemory.MAX_PHYSICAL_BYTES, saved);
            }
        }
    }
}
