package dev.javelin.passes.simplify;

import static dev.javelin.passes.Golden.assertPass;
import static dev.javelin.passes.Golden.assertUnchanged;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** One golden case per identity rule, and the cases that must not be rewritten. */
class IdentityRulesTest {
    private static final String HEAD = """
            graph g {
              %x = input : f32[2,3]
              %i = input : i32[2,3]
              %one = constant {values=[1.0]} : f32[]
              %zero = constant {values=[0.0]} : f32[]
              %nzero = constant {values=[-0.0]} : f32[]
              %izero = constant {values=[0]} : i32[]
            """;

    private static String graph(String body, String out) {
        return HEAD + body.indent(2) + "  output y = %" + out + "\n}\n";
    }

    static Stream<Arguments> rewrites() {
        return Stream.of(
                Arguments.of("mul-by-one", "%0 = mul(%x, %one) : f32[2,3]", "", "x"),
                Arguments.of("one-mul", "%0 = mul(%one, %x) : f32[2,3]", "", "x"),
                Arguments.of("div-by-one", "%0 = div(%x, %one) : f32[2,3]", "", "x"),
                Arguments.of("add-neg-zero", "%0 = add(%x, %nzero) : f32[2,3]", "", "x"),
                Arguments.of("neg-zero-add", "%0 = add(%nzero, %x) : f32[2,3]", "", "x"),
                Arguments.of("add-neg-zero", "%0 = add(%i, %izero) : i32[2,3]", "", "i"),
                Arguments.of("sub-zero", "%0 = sub(%x, %zero) : f32[2,3]", "", "x"),
                Arguments.of(
                        "neg-neg", "%1 = neg(%x) : f32[2,3]\n%0 = neg(%1) : f32[2,3]", "%1 = neg(%x) : f32[2,3]", "x"),
                Arguments.of("cast-same-dtype", "%0 = cast(%x) {to=f32} : f32[2,3]", "", "x"),
                Arguments.of("permute-identity", "%0 = permute(%x) {perm=[0, 1]} : f32[2,3]", "", "x"),
                Arguments.of(
                        "permute-permute",
                        "%1 = permute(%x) {perm=[1, 0]} : f32[3,2]\n%0 = permute(%1) {perm=[1, 0]} : f32[2,3]",
                        "%1 = permute(%x) {perm=[1, 0]} : f32[3,2]",
                        "x"),
                Arguments.of(
                        "reshape-reshape",
                        "%1 = reshape(%x) {shape=[6]} : f32[6]\n%0 = reshape(%1) {shape=[3,2]} : f32[3,2]",
                        "%1 = reshape(%x) {shape=[6]} : f32[6]\n%0 = reshape(%x) {shape=[3,2]} : f32[3,2]",
                        "0"),
                Arguments.of("reshape-same-shape", "%0 = reshape(%x) {shape=[2,3]} : f32[2,3]", "", "x"),
                Arguments.of("broadcast-same-shape", "%0 = broadcast(%x) {shape=[2,3]} : f32[2,3]", "", "x"),
                Arguments.of(
                        "broadcast-splat",
                        "%0 = broadcast(%one) {shape=[4,5]} : f32[4,5]",
                        "%0 = constant {values=[1.0]} : f32[4,5]",
                        "0"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("rewrites")
    void ruleRewrites(String rule, String before, String after, String result) {
        var r = assertPass(new RuleEngine("identities", IdentityRules.all()), graph(before, "0"), graph(after, result));
        assertEquals(1, r.run("identities").counter(rule), "firings of " + rule + " in " + r.report());
    }

    static Stream<String> keptAsIs() {
        return Stream.of(
                // x * 0 is not 0: NaN * 0 and inf * 0 are NaN, -1 * 0 is -0.0.
                "%0 = mul(%x, %zero) : f32[2,3]",
                // x + 0.0 turns -0.0 into +0.0; only x + (-0.0) is exact.
                "%0 = add(%x, %zero) : f32[2,3]",
                "%0 = add(%zero, %x) : f32[2,3]",
                // x - (-0.0) is x + 0.0, again not exact for -0.0.
                "%0 = sub(%x, %nzero) : f32[2,3]",
                // 1 / x is not x.
                "%0 = div(%one, %x) : f32[2,3]",
                // The identity operand broadcasts x to a larger shape: the result is not x.
                "%b = constant {values=[1.0]} : f32[4,2,3]\n%0 = mul(%x, %b) : f32[4,2,3]",
                "%0 = permute(%x) {perm=[1, 0]} : f32[3,2]",
                "%0 = cast(%x) {to=f64} : f64[2,3]",
                "%0 = broadcast(%x) {shape=[4,2,3]} : f32[4,2,3]");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("keptAsIs")
    void ruleDoesNotApply(String body) {
        assertUnchanged(new RuleEngine("identities", IdentityRules.all()), graph(body, "0"));
    }
}
