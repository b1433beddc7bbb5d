package dev.javelin.passes.simplify;

import static dev.javelin.passes.Golden.assertPass;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class DceTest {
    @Test
    void removesNodesNoOutputNeedsButKeepsInputsAndParameters() {
        var r = assertPass(new Dce(), """
                graph g {
                  %x = input : f32[3]
                  %unused = input : f32[2]
                  %w = parameter : f32[3]
                  %0 = exp(%x) : f32[3]
                  %1 = neg(%0) : f32[3]
                  %2 = add(%x, %w) : f32[3]
                  output y = %2
                }
                """, """
                graph g {
                  %x = input : f32[3]
                  %unused = input : f32[2]
                  %w = parameter : f32[3]
                  %2 = add(%x, %w) : f32[3]
                  output y = %2
                }
                """);
        assertEquals(2, r.run("dce").counter("removed"));
    }

    @Test
    void assignsAreRootsWithTheirOperands() {
        String text = """
                graph g {
                  %x = input : f32[3]
                  %s = parameter : f32[3]
                  %0 = add(%s, %x) : f32[3]
                  %1 = assign(%s, %0) : f32[3]
                  %2 = exp(%x) : f32[3]
                  output y = %2
                }
                """;
        var r = assertPass(new Dce(), text, text);
        assertEquals(0, r.run("dce").counter("removed"));
    }
}
