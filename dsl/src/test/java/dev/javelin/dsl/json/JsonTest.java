package dev.javelin.dsl.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void parsesEveryKindOfValue() {
        Object v = Json.parse(
                " {\"a\": [1, -2.5, 1e3, 0, true, false, null], \"b\": {\"c\": \"x\\\"\\\\\\/\\n\\u00e9\"}} ", "t");
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("c", "x\"\\/\né");
        List<Object> a = new ArrayList<>(List.of(1L, -2.5, 1000.0, 0L, true, false));
        a.add(null);
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("a", a);
        expected.put("b", b);
        assertEquals(expected, v);
    }

    @Test
    void keepsIntegersExactAndTurnsHugeOnesIntoDoubles() {
        assertEquals(9007199254740993L, Json.parse("9007199254740993", "t"));
        assertEquals(Long.MIN_VALUE, Json.parse("-9223372036854775808", "t"));
        assertEquals(1e20, Json.parse("100000000000000000000", "t"));
    }

    @Test
    void keepsKeyOrder() {
        Map<?, ?> m = (Map<?, ?>) Json.parse("{\"z\":1,\"a\":2,\"m\":3}", "t");
        assertEquals(List.of("z", "a", "m"), List.copyOf(m.keySet()));
    }

    @Test
    void writesCompactlyWithSerdeEscapes() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "q\"b\\n\n\t\u0001é/");
        m.put("l", List.of(1L, 2, 0.5, true));
        m.put("n", null);
        String text = Json.write(m);
        assertEquals("{\"s\":\"q\\\"b\\\\n\\n\\t\\u0001é/\",\"l\":[1,2,0.5,true],\"n\":null}", text);
        assertEquals(m.get("s"), ((Map<?, ?>) Json.parse(text, "t")).get("s"));
    }

    @Test
    void rejectsMalformedTextWithThePosition() {
        assertEquals(
                "h.json: invalid JSON at character 11: Duplicate Object property \"a\", found ':2}'",
                assertThrows(JsonException.class, () -> Json.parse("{\"a\":1, \"a\":2}", "h.json"))
                        .getMessage());
        assertEquals(
                "h.json: invalid JSON at character 3: expected the end of the text after a complete value, found '1'",
                assertThrows(JsonException.class, () -> Json.parse("{} 1", "h.json"))
                        .getMessage());
        assertEquals(
                "h.json: invalid JSON at character 5: Unexpected end-of-input: was expecting closing quote for a string"
                        + " value, found the end of the text",
                assertThrows(JsonException.class, () -> Json.parse("[\"abc", "h.json"))
                        .getMessage());
        assertEquals(
                "h.json: invalid JSON at character 3: Unexpected close marker '}': expected ']', found '}'",
                assertThrows(JsonException.class, () -> Json.parse("[1 }", "h.json"))
                        .getMessage());
        assertEquals(
                "h.json: invalid JSON at character 1: Unexpected character ('x' (code 120)) in numeric value: expected"
                        + " digit (0-9) to follow minus sign, for valid numeric value, found 'x'",
                assertThrows(JsonException.class, () -> Json.parse("-x", "h.json"))
                        .getMessage());
    }

    @Test
    void boundsNestingInsteadOfOverflowingTheStack() {
        String deep = "[".repeat(100_000);
        JsonException e = assertThrows(JsonException.class, () -> Json.parse(deep, "deep"));
        assertEquals("deep: invalid JSON: values nested more than 128 deep", e.getMessage());
    }

    @Test
    void refusesValuesJsonCannotHold() {
        assertEquals(
                "JSON has no NaN; only finite numbers can be written",
                assertThrows(JsonException.class, () -> Json.write(List.of(Double.NaN)))
                        .getMessage());
    }
}
