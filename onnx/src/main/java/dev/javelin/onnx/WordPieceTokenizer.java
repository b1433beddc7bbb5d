package dev.javelin.onnx;

import dev.javelin.dsl.json.Json;
import dev.javelin.dsl.json.JsonException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The BERT tokenizer of a Hugging Face {@code tokenizer.json} with a WordPiece model (as
 * all-MiniLM-L6-v2's): the BertNormalizer (control characters dropped, whitespace made spaces,
 * spaces around CJK ideographs, accents stripped and lowercase when the file says so), the
 * BertPreTokenizer (split at whitespace and around every punctuation character), greedy
 * longest-match-first WordPiece with its {@code ##} continuation prefix, then {@code [CLS] text
 * [SEP]}, truncation to the file's {@code max_length} and its fixed padding. Matches Hugging Face
 * {@code tokenizers} on single texts (WordPieceTokenizerTest's fixture, written by
 * make_wordpiece_fixture.py beside it).
 */
public final class WordPieceTokenizer {
    private final Map<String, Integer> vocab;
    private final String unk;
    private final String prefix;
    private final int maxWordChars;
    private final boolean lowercase;
    private final boolean stripAccents;
    private final boolean chineseChars;
    private final boolean cleanText;
    private final int cls;
    private final int sep;
    private final int maxLength;
    private final int padTo;
    private final int padId;

    /** One text's token ids with the attention mask and token type ids the model takes, all as long. */
    public record Encoding(long[] ids, long[] attentionMask, long[] typeIds) {}

    private WordPieceTokenizer(Map<String, Object> file, String source) {
        Map<String, Object> model = object(file, "model", source);
        if (!"WordPiece".equals(model.get("type"))) {
            throw new OnnxException(source + ": model type is " + model.get("type") + "; only WordPiece is supported");
        }
        vocab = new HashMap<>();
        object(model, "vocab", source).forEach((k, v) -> vocab.put(k, ((Number) v).intValue()));
        unk = String.valueOf(model.getOrDefault("unk_token", "[UNK]"));
        prefix = String.valueOf(model.getOrDefault("continuing_subword_prefix", "##"));
        maxWordChars = ((Number) model.getOrDefault("max_input_chars_per_word", 100L)).intValue();
        Map<String, Object> norm =
                file.get("normalizer") instanceof Map<?, ?> ? object(file, "normalizer", source) : Map.of();
        lowercase = Boolean.TRUE.equals(norm.getOrDefault("lowercase", Boolean.FALSE));
        Object strip = norm.get("strip_accents");
        stripAccents = strip == null ? lowercase : Boolean.TRUE.equals(strip);
        chineseChars = Boolean.TRUE.equals(norm.getOrDefault("handle_chinese_chars", Boolean.FALSE));
        cleanText = Boolean.TRUE.equals(norm.getOrDefault("clean_text", Boolean.FALSE));
        cls = id("[CLS]", source);
        sep = id("[SEP]", source);
        Map<String, Object> trunc =
                file.get("truncation") instanceof Map<?, ?> ? object(file, "truncation", source) : Map.of();
        maxLength = ((Number) trunc.getOrDefault("max_length", (long) Integer.MAX_VALUE)).intValue();
        int fixed = 0;
        int pad = 0;
        if (file.get("padding") instanceof Map<?, ?> p && p.get("strategy") instanceof Map<?, ?> s) {
            fixed = s.get("Fixed") instanceof Number n ? n.intValue() : 0;
            pad = p.get("pad_id") instanceof Number n ? n.intValue() : 0;
        }
        padTo = fixed;
        padId = pad;
    }

    /**
     * Reads a {@code tokenizer.json}.
     *
     * @param file the tokenizer file
     * @return the tokenizer
     * @throws OnnxException if the file cannot be read, is not JSON or has no WordPiece model
     */
    public static WordPieceTokenizer load(Path file) {
        try {
            Object json = Json.parse(Files.readString(file), file.toString());
            if (!(json instanceof Map<?, ?>)) {
                throw new OnnxException(file + ": expected a JSON object, found " + json);
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) json;
            return new WordPieceTokenizer(m, file.toString());
        } catch (IOException e) {
            throw new OnnxException("cannot read " + file + ": " + e.getMessage());
        } catch (JsonException e) {
            throw new OnnxException(e.getMessage());
        }
    }

    /**
     * Tokenizes one text: {@code [CLS]}, its word pieces, {@code [SEP]}, truncated to the file's
     * {@code max_length} and padded to its fixed length when it has one.
     *
     * @param text the text
     * @return ids, attention mask (1 for tokens, 0 for padding) and type ids (0)
     */
    public Encoding encode(String text) {
        List<Integer> pieces = new ArrayList<>();
        for (String word : preTokenize(normalize(text))) {
            wordPieces(word, pieces);
        }
        int keep = Math.min(pieces.size(), Math.max(0, maxLength - 2));
        int length = Math.max(keep + 2, padTo);
        long[] ids = new long[length];
        long[] mask = new long[length];
        ids[0] = cls;
        for (int i = 0; i < keep; i++) {
            ids[i + 1] = pieces.get(i);
        }
        ids[keep + 1] = sep;
        for (int i = 0; i < length; i++) {
            mask[i] = i < keep + 2 ? 1 : 0;
            if (i >= keep + 2) {
                ids[i] = padId;
            }
        }
        return new Encoding(ids, mask, new long[length]);
    }

    /** BertNormalizer: clean text, space out CJK ideographs, strip accents, lowercase, in that order. */
    String normalize(String text) {
        StringBuilder b = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            if (cleanText && (c == 0 || c == 0xFFFD || control(c))) {
                return;
            }
            if (cleanText && whitespace(c)) {
                b.append(' ');
            } else if (chineseChars && cjk(c)) {
                b.append(' ').appendCodePoint(c).append(' ');
            } else {
                b.appendCodePoint(c);
            }
        });
        String s = b.toString();
        if (stripAccents) {
            StringBuilder t = new StringBuilder(s.length());
            Normalizer.normalize(s, Normalizer.Form.NFD).codePoints().forEach(c -> {
                if (Character.getType(c) != Character.NON_SPACING_MARK) {
                    t.appendCodePoint(c);
                }
            });
            s = t.toString();
        }
        if (!lowercase) {
            return s;
        }
        // character by character, as Rust's char::to_lowercase: no final-sigma rule (a word's last
        // Σ is σ, not ς), but full mappings (İ is i and a combining dot)
        StringBuilder l = new StringBuilder(s.length());
        s.codePoints().forEach(c -> l.append(Character.toString(c).toLowerCase(Locale.ROOT)));
        return l.toString();
    }

    /** BertPreTokenizer: words split at whitespace, each punctuation character a word of its own. */
    static List<String> preTokenize(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        text.codePoints().forEach(c -> {
            if (whitespace(c) || punctuation(c)) {
                if (!word.isEmpty()) {
                    words.add(word.toString());
                    word.setLength(0);
                }
                if (punctuation(c)) {
                    words.add(Character.toString(c));
                }
            } else {
                word.appendCodePoint(c);
            }
        });
        if (!word.isEmpty()) {
            words.add(word.toString());
        }
        return words;
    }

    /** Greedy longest-match-first pieces of one word; the whole word is the unknown token if any part fails. */
    private void wordPieces(String word, List<Integer> out) {
        int[] cps = word.codePoints().toArray();
        if (cps.length > maxWordChars) {
            out.add(id(unk, "the vocabulary"));
            return;
        }
        List<Integer> pieces = new ArrayList<>();
        int start = 0;
        while (start < cps.length) {
            Integer found = null;
            int end = cps.length;
            for (; end > start; end--) {
                String sub = new String(cps, start, end - start);
                found = vocab.get(start > 0 ? prefix + sub : sub);
                if (found != null) {
                    break;
                }
            }
            if (found == null) {
                out.add(id(unk, "the vocabulary"));
                return;
            }
            pieces.add(found);
            start = end;
        }
        out.addAll(pieces);
    }

    private int id(String token, String source) {
        Integer id = vocab.get(token);
        if (id == null) {
            throw new OnnxException(source + ": the vocabulary has no " + token + " token");
        }
        return id;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Map<String, Object> m, String key, String source) {
        if (!(m.get(key) instanceof Map<?, ?> v)) {
            throw new OnnxException(source + ": expected an object at '" + key + "', found " + m.get(key));
        }
        return (Map<String, Object>) v;
    }

    /** Hugging Face's is_whitespace: space, tab, newline, carriage return, or a space separator (Zs). */
    private static boolean whitespace(int c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || Character.getType(c) == Character.SPACE_SEPARATOR;
    }

    /**
     * Hugging Face's is_control: controls, format and private-use characters (Cc, Cf, Co) except tab,
     * newline and return; unassigned code points are kept (the fixture has one).
     */
    private static boolean control(int c) {
        if (c == '\t' || c == '\n' || c == '\r') {
            return false;
        }
        int t = Character.getType(c);
        return t == Character.CONTROL || t == Character.FORMAT || t == Character.PRIVATE_USE;
    }

    /** ASCII punctuation and symbols (as BERT counts them), or any Unicode punctuation category. */
    private static boolean punctuation(int c) {
        if ((c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126)) {
            return true;
        }
        return switch (Character.getType(c)) {
            case Character.CONNECTOR_PUNCTUATION,
                    Character.DASH_PUNCTUATION,
                    Character.START_PUNCTUATION,
                    Character.END_PUNCTUATION,
                    Character.INITIAL_QUOTE_PUNCTUATION,
                    Character.FINAL_QUOTE_PUNCTUATION,
                    Character.OTHER_PUNCTUATION -> true;
            default -> false;
        };
    }

    /** The CJK ideograph blocks BERT spaces out. */
    private static boolean cjk(int c) {
        return (c >= 0x4E00 && c <= 0x9FFF)
                || (c >= 0x3400 && c <= 0x4DBF)
                || (c >= 0x20000 && c <= 0x2A6DF)
                || (c >= 0x2A700 && c <= 0x2B73F)
                || (c >= 0x2B740 && c <= 0x2B81F)
                || (c >= 0x2B820 && c <= 0x2CEAF)
                || (c >= 0xF900 && c <= 0xFAFF)
                || (c >= 0x2F800 && c <= 0x2FA1F);
    }
}
