package dev.javelin.compiler.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.javelin.JavelinException;
import org.junit.jupiter.api.Test;

/** A JVM started without the Vector API gets an error that says what to add, not a linkage error. */
class VectorApiCheckTest {
    @Test
    void aJvmWithoutTheVectorApiIsToldWhatToAdd() {
        var e = assertThrows(JavelinException.class, () -> CpuBackend.requireVectorApi(false));
        assertEquals(
                "the CPU backend's generated code uses the Vector API (jdk.incubator.vector), which this JVM was"
                        + " started without: add '--add-modules jdk.incubator.vector' to the java command (in a"
                        + " Maven test, to Surefire's argLine); see docs/api.md",
                e.getMessage());
        CpuBackend.requireVectorApi(true); // this test's JVM has it: no error
        assertEquals(true, ModuleLayer.boot().findModule(CpuBackend.VECTOR_API).isPresent());
    }
}
