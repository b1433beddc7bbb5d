package dev.javelin.llm.tokenizer;

import dev.javelin.dsl.json.Json;
import dev.javelin.dsl.json.JsonException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads Hugging Face's {@code tokenizer.json} for byte-level BPE: a {@code BPE} model (vocabulary,
 * merges as {@code "a b"} strings or {@code ["a", "b"]} pairs, {@code ignore_merges}), no
 * normalizer, a {@code ByteLevel} pre-tokenizer (with GPT-2's pattern when {@code use_regex}) or a
 * {@code Sequence} of a {@code Split} by a regex ({@code Isolated}, not inverted) and a {@code
 * ByteLevel} without its own pattern (Llama 3's), a {@code ByteLevel} decoder, and added tokens,
 * split out of the text before pre-tokenization. Anything else is refused by name.
 */
final class TokenizerJson {
    private TokenizerJson() {}

    static BpeTokenizer read(Path file) {
        Map<?, ?> json = object(parse(file), "the file", file);
        refuse(json.get("normalizer") != null, file, "a normalizer (" + type(json.get("normalizer")) + ")");
        Map<?, ?> model = object(json.get("model"), "'model'", file);
        refuse(!"BPE".equals(model.get("type")), file, "model type '" + model.get("type") + "' (only BPE)");
        refuse(Boolean.TRUE.equals(model.get("byte_fallback")), file, "byte_fallback");
        refuse(
                !blank(model.get("continuing_subword_prefix")) || !blank(model.get("end_of_word_suffix")),
                file,
                "subword prefixes or suffixes");
        Object decoder = json.get("decoder");
        refuse(
                decoder != null && !"ByteLevel".equals(type(decoder)),
                file,
                "decoder " + type(decoder) + " (only ByteLevel)");
        Map<String, Integer> ids = new HashMap<>();
        object(model.get("vocab"), "'model.vocab'", file).forEach((k, v) -> ids.put((String) k, id(v, k, file)));
        Map<String, Integer> added = new HashMap<>();
        if (json.get("added_tokens") instanceof List<?> list) {
            for (Object o : list) {
                Map<?, ?> t = object(o, "an added token", file);
                String content = (String) t.get("content");
                int id = id(t.get("id"), content, file);
                added.put(content, id);
                ids.putIfAbsent(content, id);
            }
        }
        return new BpeTokenizer(
                Map.copyOf(ids),
                BpeTokenizer.tokens(ids, file),
                ranks(model.get("merges"), file),
                pattern(json.get("pre_tokenizer"), file),
                Boolean.TRUE.equals(model.get("ignore_merges")),
                added);
    }

    private static Object parse(Path file) {
        try {
            return Json.parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new TokenizerException("cannot read " + file + ": " + e.getMessage(), file.toString());
        } catch (JsonException e) {
            throw new TokenizerException(e.getMessage(), file.toString());
        }
    }

    private static Map<String, Integer> ranks(Object merges, Path file) {
        if (!(merges instanceof List<?> list)) {
            throw new TokenizerException(file + ": 'model.merges' must be a list", file.toString());
        }
        Map<String, Integer> ranks = new HashMap<>();
        for (int i = 0; i < list.size(); i++) {
            Object m = list.get(i);
            String pair = m instanceof String s
                    ? s
                    : m instanceof List<?> two && two.size() == 2 ? two.get(0) + " " + two.get(1) : null;
            if (pair == null || pair.split(" ", -1).length != 2) {
                throw new TokenizerException(
                        file + ": merge " + i + " must be \"a b\" or [\"a\", \"b\"], found " + Json.write(m),
                        file.toString());
            }
            ranks.putIfAbsent(pair, ranks.size());
        }
        return ranks;
    }

    /** The words' pattern of the pre-tokenizer. */
    private static Pattern pattern(Object pre, Path file) {
        if ("ByteLevel".equals(type(pre))) {
            Map<?, ?> b = (Map<?, ?>) pre;
            refuse(Boolean.TRUE.equals(b.get("add_prefix_space")), file, "ByteLevel's add_prefix_space");
            refuse(Boolean.FALSE.equals(b.get("use_regex")), file, "ByteLevel without a pattern and no Split");
            return BpeTokenizer.WORDS;
        }
        if ("Sequence".equals(type(pre))
                && ((Map<?, ?>) pre).get("pretokenizers") instanceof List<?> steps
                && steps.size() == 2
                && "Split".equals(type(steps.get(0)))
                && "ByteLevel".equals(type(steps.get(1)))) {
            Map<?, ?> split = (Map<?, ?>) steps.get(0);
            Map<?, ?> bytes = (Map<?, ?>) steps.get(1);
            refuse(
                    !"Isolated".equals(split.get("behavior")) || Boolean.TRUE.equals(split.get("invert")),
                    file,
                    "a Split with behavior " + split.get("behavior")
                            + (Boolean.TRUE.equals(split.get("invert")) ? ", inverted" : "")
                            + " (only Isolated, not inverted)");
            refuse(
                    !Boolean.FALSE.equals(bytes.get("use_regex")) || Boolean.TRUE.equals(bytes.get("add_prefix_space")),
                    file,
                    "a ByteLevel with its own pattern or a prefix space after a Split");
            if (!(split.get("pattern") instanceof Map<?, ?> p) || !(p.get("Regex") instanceof String regex)) {
                throw new TokenizerException(file + ": the Split needs a {\"Regex\": ...} pattern", file.toString());
            }
            try {
                return Pattern.compile(regex, Pattern.UNICODE_CHARACTER_CLASS);
            } catch (PatternSyntaxException e) {
                throw new TokenizerException(
                        file + ": the Split's regex does not compile in Java: " + e.getDescription(), file.toString());
            }
        }
        throw new TokenizerException(
                file + ": pre-tokenizer " + (pre == null ? "none" : Json.write(pre)) + " is not supported (only"
                        + " ByteLevel, or a Sequence of a regex Split and a ByteLevel)",
                file.toString());
    }

    private static Map<?, ?> object(Object v, String what, Path file) {
        if (!(v instanceof Map<?, ?> m)) {
            throw new TokenizerException(file + ": expected " + what + " to be a JSON object", file.toString());
        }
        return m;
    }

    private static int id(Object v, Object token, Path file) {
        if (!(v instanceof Number n) || n.doubleValue() < 0 || n.doubleValue() != Math.rint(n.doubleValue())) {
            throw new TokenizerException(
                    file + ": the id of token '" + token + "' must be a non-negative integer, found " + v,
                    file.toString());
        }
        return n.intValue();
    }

    private static String type(Object v) {
        return v instanceof Map<?, ?> m ? Objects.toString(m.get("type")) : Objects.toString(v);
    }

    private static boolean blank(Object v) {
        return v == null || "".equals(v);
    }

    private static void refuse(boolean bad, Path file, String what) {
        if (bad) {
            throw new TokenizerException(file + ": " + what + " is not supported", file.toString());
        }
    }
}
