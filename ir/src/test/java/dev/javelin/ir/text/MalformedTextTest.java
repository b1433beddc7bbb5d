package dev.javelin.ir.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.ir.IrException;
import org.junit.jupiter.api.Test;

/** Every way IR text can be wrong gets a message with its position, what was expected and what was found. */
class MalformedTextTest {

    /** Parses {@code body} inside a graph and returns the error's "line:column: detail". */
    static String error(String text) {
        ParseException e = assertThrows(ParseException.class, () -> Parser.parse(text, "m.ir"));
        assertTrue(
                e.getMessage().startsWith("m.ir:" + e.line() + ":" + e.column() + ": " + e.detail()), e.getMessage());
        return e.line() + ":" + e.column() + ": " + e.detail();
    }

    static String inGraph(String body) {
        return error("graph g {\n  %x = input : f32[2]\n  " + body + "\n}\n");
    }

    @Test
    void structure() {
        assertEquals("1:1: expected 'graph NAME {' at the start, found the end of the input", error(""));
        assertEquals("1:1: expected 'graph NAME {' at the start, found 'grph'", error("grph g {}"));
        assertEquals("1:8: expected '{' after the graph's name, found the end of the input", error("graph g"));
        assertEquals(
                "2:1: expected a node ('%name = op ...'), an output ('output NAME = %value') or the graph's"
                        + " closing '}', found the end of the input",
                error("graph g {\n"));
        assertEquals(
                "1:12: expected the end of the input after the graph's closing '}', found 'x'", error("graph g {} x"));
        assertEquals("3:3: unexpected character '$'", inGraph("$"));
        assertEquals("3:3: expected a value name after '%', found ' '", inGraph("% = neg(%x) : f32[2]"));
    }

    @Test
    void nodes() {
        assertEquals("3:6: expected '=' after %y, found 'neg'", inGraph("%y neg(%x) : f32[2]"));
        assertTrue(inGraph("%y = frobnicate(%x) : f32[2]")
                .startsWith("3:8: unknown op 'frobnicate' (expected one of: neg, abs, sign, exp,"));
        assertEquals("3:16: expected an operand ('%name'), found 'x'", inGraph("%y = neg(%x, x) : f32[2]"));
        assertEquals("3:15: expected ')' after the operands of neg, found ':'", inGraph("%y = neg(%x : f32[2]"));
        assertEquals("3:16: expected ':' before the type of %y, found 'f32'", inGraph("%y = neg(%x) f32[2]"));
        assertEquals(
                "3:18: unknown dtype 'f33' (expected one of f32, f64, f16, bf16, i32, i64, bool)",
                inGraph("%y = neg(%x) : f33[2]"));
        assertEquals(
                "3:22: expected a dimension (a size >= 0 or a symbol such as batch), found '-1'",
                inGraph("%y = neg(%x) : f32[-1]"));
        assertEquals(
                "3:23: expected ']' to close the shape, found the end of the input",
                error("graph g {\n  %x = input : f32[2]\n  %y = neg(%x) : f32[2"));
        assertEquals(
                "3:26: unterminated string: expected a closing '\"' on the same line",
                inGraph("%y = neg(%x) : f32[2] @\"A.java:3"));
        assertEquals("3:35: expected a line number, found ']'", inGraph("%y = neg(%x) : f32[2] @\"A.java\":]"));
        assertEquals(
                "3:38: expected 'backward' after '(' (a location's only flag), found 'forward'",
                inGraph("%y = neg(%x) : f32[2] @\"A.java\":3 (forward)"));
        assertEquals(
                "3:46: expected ')' after 'backward', found '}'",
                inGraph("%y = neg(%x) : f32[2] @\"A.java\":3 (backward}"));
        assertEquals(
                "4:3: expected '=' after the output's name, found '%x'",
                error("graph g {\n  %x = input : f32[2]\n  output y\n  %x\n}"));
    }

    @Test
    void attributes() {
        assertEquals("3:8: reduce_sum needs attribute 'keep_dims'", inGraph("%r = reduce_sum(%x) {axes=[0]} : f32[]"));
        assertEquals(
                "3:51: unknown attribute 'foo' for reduce_sum (it takes axes, keep_dims)",
                inGraph("%r = reduce_sum(%x) {axes=[0], keep_dims=false, foo=1} : f32[]"));
        assertEquals(
                "3:34: attribute 'axes' is given twice",
                inGraph("%r = reduce_sum(%x) {axes=[0], axes=[0], keep_dims=false} : f32[]"));
        assertEquals(
                "3:17: unknown attribute 'axes' for neg, which takes none",
                inGraph("%y = neg(%x) {axes=[0]} : f32[2]"));
        assertEquals(
                "3:44: expected true or false for 'keep_dims', found '1'",
                inGraph("%r = reduce_sum(%x) {axes=[0], keep_dims=1} : f32[]"));
        assertEquals(
                "3:30: expected an integer for 'axes', found 'x'",
                inGraph("%r = reduce_sum(%x) {axes=[x], keep_dims=false} : f32[]"));
        assertEquals(
                "3:29: expected an attribute value (a number, a name or a '[' list), found '}'",
                inGraph("%r = reduce_sum(%x) {axes=}: f32[]"));
        assertEquals(
                "3:21: unknown dtype 'f99' (expected one of f32, f64, f16, bf16, i32, i64, bool)",
                inGraph("%c = cast(%x) {to=f99} : f32[2]"));
        assertEquals(
                "3:8: slice needs one start, stop and step per axis: 1 axes, 2 starts, 1 stops, 1 steps",
                inGraph("%s = slice(%x) {axes=[0], start=[0,1], stop=[1], step=[1]} : f32[1]"));
    }

    /** A gradient op takes its forward op's attributes first, in their printed order, then its own. */
    @Test
    void gradientOpAttributesAreListedInPrintedOrder() {
        String attrs = "stride=[1,1], padding=[0,0,0,0], dilation=[1,1], groups=1, input_shape=[1,1,2,2]";
        assertEquals(
                "3:121: unknown attribute 'foo' for conv2d_backprop_input (it takes stride, padding, dilation,"
                        + " groups, layout, input_shape)",
                inGraph("%g = conv2d_backprop_input(%x, %x) {" + attrs + ", foo=1} : f32[1,1,2,2]"));
        assertEquals(
                "3:128: expected nchw or nhwc for 'layout', found 'nchx'",
                inGraph("%g = conv2d_backprop_input(%x, %x) {" + attrs + ", layout=nchx} : f32[1,1,2,2]"));
        assertEquals(
                "3:8: max_pool2d_backprop needs attribute 'padding'",
                inGraph("%g = max_pool2d_backprop(%x, %x) {kernel=[2,2], stride=[2,2]} : f32[1,1,2,2]"));
    }

    @Test
    void constants() {
        assertEquals(
                "3:26: expected a number for a f32 constant, found '1.2.3'",
                inGraph("%c = constant {values=[1.2.3]} : f32[]"));
        assertEquals(
                "3:26: expected an integer for a i32 constant, found '1.5'",
                inGraph("%c = constant {values=[1.5]} : i32[]"));
        assertEquals(
                "3:26: expected true or false for a bool constant, found '2'",
                inGraph("%c = constant {values=[2]} : bool[]"));
        assertEquals(
                "3:8: constant f32[2] needs 1 value (splat) or 2, found 3",
                inGraph("%c = constant {values=[1, 2, 3]} : f32[2]"));
        assertEquals(
                "3:34: a constant needs a static shape, found f32[batch]",
                inGraph("%c = constant {values=[1.0]} : f32[batch]"));
        assertEquals(
                "3:8: constant i32[] value #0 = 3000000000 is out of the i32 range",
                inGraph("%c = constant {values=[3000000000]} : i32[]"));
        assertEquals(
                "3:26: integer 99999999999999999999 is out of range",
                inGraph("%c = constant {values=[99999999999999999999]} : i64[]"));
    }

    static final String VALID = """
            graph g {
              %x = input : f32[batch,4] @"A.java":1
              %w = parameter : f32[4,2]
              %y = matmul(%x, %w) {transpose_a=false, transpose_b=false} : f32[batch,2]
              %c = constant {values=[0.5, -inf, nan]} : f32[3]
              %s = slice(%c) {axes=[0], start=[0], stop=[2], step=[1]} : f32[2]
              %z = add(%y, %s) : f32[batch,2] @"A.java":2 (backward)
              output z = %z
            }
            """;

    /**
     * Every deletion, and every insertion and replacement of a telling character, at every position
     * of a valid text either parses or fails with a ParseException: never another exception.
     */
    @Test
    void mutatedTextNeverEscapesAsAnotherException() {
        String telling = "%=:{}[](),@\"-.0a_ \n/";
        int cases = 0;
        for (int at = 0; at <= VALID.length(); at++) {
            String before = VALID.substring(0, at);
            String rest = VALID.substring(at);
            tryParse(before + (rest.isEmpty() ? "" : rest.substring(1)));
            for (char c : telling.toCharArray()) {
                tryParse(before + c + rest);
                tryParse(before + c + (rest.isEmpty() ? "" : rest.substring(1)));
                cases += 2;
            }
        }
        assertTrue(cases > 10_000, "cases: " + cases);
    }

    private static void tryParse(String text) {
        try {
            Parser.parse(text, "m.ir");
        } catch (ParseException expected) {
            assertTrue(expected.getMessage().startsWith("m.ir:"), expected.getMessage());
        } catch (IrException | IllegalArgumentException | IllegalStateException | IndexOutOfBoundsException other) {
            throw new AssertionError("not a ParseException for:\n" + text, other);
        }
    }
}
