package dev.javelin.dsl.json;

import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.json.JsonFactory;

/**
 * JSON (RFC 8259) through Jackson's streaming parser and generator, with this project's conventions
 * in one place. Parsed values are {@code Map<String, Object>} (insertion order kept; a duplicate key
 * is an error, as the safetensors format requires), {@code List<Object>}, {@code String}, {@code
 * Long} for integers that fit, {@code Double} for other numbers, {@code Boolean} and {@code null}.
 * Writing is compact, with the escapes serde_json uses, so a header we write is byte-identical to
 * the reference safetensors writer's. Every error is a {@link JsonException} naming the source and
 * the position.
 */
public final class Json {
    /** Deep enough for any real header; bounded so hostile input fails cleanly instead of overflowing the stack. */
    static final int MAX_DEPTH = 128;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(
                    StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
            .build();

    private Json() {}

    /**
     * Parses one JSON value filling all of {@code text} (whitespace around it allowed); {@code
     * source} names the text in errors.
     */
    public static Object parse(String text, String source) {
        try (JsonParser p = FACTORY.createParser(ObjectReadContext.empty(), text)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw new JsonException(source + ": invalid JSON: expected a value, found the end of the text");
            }
            Object v = value(p, first);
            JsonToken after = p.nextToken();
            if (after != null) {
                throw error(
                        text, source, p.currentTokenLocation(), "expected the end of the text after a complete value");
            }
            return v;
        } catch (StreamConstraintsException e) {
            throw new JsonException(source + ": invalid JSON: values nested more than " + MAX_DEPTH + " deep");
        } catch (JacksonException e) {
            throw error(text, source, e.getLocation(), e.getOriginalMessage());
        }
    }

    private static Object value(JsonParser p, JsonToken t) {
        return switch (t) {
            case START_OBJECT -> {
                Map<String, Object> m = new LinkedHashMap<>();
                for (String key = p.nextName(); key != null; key = p.nextName()) {
                    m.put(key, value(p, p.nextToken()));
                }
                yield m;
            }
            case START_ARRAY -> {
                List<Object> l = new ArrayList<>();
                for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                    l.add(value(p, e));
                }
                yield l;
            }
            case VALUE_STRING -> p.getString();
            case VALUE_NUMBER_INT ->
                p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                        ? (Object) p.getDoubleValue()
                        : (Object) p.getLongValue();
            case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw new IllegalStateException("Jackson gave " + t + " where a value starts");
        };
    }

    /**
     * The first line of Jackson's message (the rest repeats the location as Java source), where it
     * happened, and the text there, control characters shown as escapes so the message stays on one
     * line.
     */
    private static JsonException error(String text, String source, TokenStreamLocation at, String what) {
        String first = what == null ? "malformed" : what.lines().findFirst().orElse(what);
        // Where an array or object started, as Jackson's source description (redacted here): noise.
        first = first.replaceAll(" \\(for (Array|Object) starting at \\[Source: [^]]*]\\)", "");
        if (at == null || at.getCharOffset() < 0) {
            return new JsonException(source + ": invalid JSON: " + visible(first));
        }
        int pos = (int) Math.min(at.getCharOffset(), text.length());
        String found = pos >= text.length()
                ? "the end of the text"
                : "'" + visible(text.substring(pos, Math.min(text.length(), pos + 12))) + "'";
        return new JsonException(
                source + ": invalid JSON at character " + pos + ": " + visible(first) + ", found " + found);
    }

    private static String visible(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return b.toString();
    }

    /**
     * Compact JSON for maps (string keys, in their iteration order), lists, strings, integers
     * ({@code Integer}, {@code Long}), finite doubles, booleans and null.
     */
    public static String write(Object value) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(ObjectWriteContext.empty(), out)) {
            write(value, g);
        }
        return out.toString();
    }

    private static void write(Object value, JsonGenerator g) {
        switch (value) {
            case null -> g.writeNull();
            case String s -> g.writeString(s);
            case Long l -> g.writeNumber(l);
            case Integer i -> g.writeNumber(i);
            case Boolean z -> g.writeBoolean(z);
            case Double d -> {
                if (!Double.isFinite(d)) {
                    throw new JsonException("JSON has no " + d + "; only finite numbers can be written");
                }
                g.writeNumber(d);
            }
            case Map<?, ?> m -> {
                g.writeStartObject();
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (!(e.getKey() instanceof String k)) {
                        throw new JsonException("JSON object keys are strings, found " + e.getKey());
                    }
                    g.writeName(k);
                    write(e.getValue(), g);
                }
                g.writeEndObject();
            }
            case List<?> l -> {
                g.writeStartArray();
                for (Object e : l) {
                    write(e, g);
                }
                g.writeEndArray();
            }
            default ->
                throw new JsonException("cannot write a " + value.getClass().getName() + " as JSON: " + value);
        }
    }
}
