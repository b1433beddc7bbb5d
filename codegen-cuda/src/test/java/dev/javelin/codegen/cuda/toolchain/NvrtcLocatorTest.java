package dev.javelin.codegen.cuda.toolchain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where libnvrtc is searched, on a fake file tree (the files are empty: nothing is loaded). */
class NvrtcLocatorTest {
    @TempDir
    Path root;

    private Path touch(String path) throws IOException {
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, "");
        return file;
    }

    private NvrtcLocator locator(Map<String, String> env) {
        return new NvrtcLocator(
                env, root.resolve("home"), List.of(root.resolve("usr/local/cuda/lib64")), List.of(root.resolve("usr")));
    }

    @Test
    void theHighestVersionWinsAcrossPlaces() throws IOException {
        touch("usr/local/cuda/lib64/libnvrtc.so.12");
        touch("usr/local/cuda/lib64/libnvrtc.so.12.6.77");
        Path cu13 = touch("usr/lib/python3.12/site-packages/nvidia/cu13/lib/libnvrtc.so.13");
        Path builtins = touch("usr/lib/python3.12/site-packages/nvidia/cu13/lib/libnvrtc-builtins.so.13.0");
        touch("usr/lib/python3.12/site-packages/nvidia/cu13/lib/libnvrtc.alt.so.13");
        touch("usr/lib/python3.12/site-packages/nvidia/cu13/lib/libnvrtc-builtins.so.12.6");
        NvrtcLocator.Found found = locator(Map.of()).locate(Optional.empty());
        assertEquals(cu13, found.library());
        assertEquals(Optional.of(builtins), found.builtins());
        assertEquals(List.of(13), found.version());
    }

    @Test
    void onATieTheEarlierPlaceWins() throws IOException {
        Path fromLdPath = touch("ld/libnvrtc.so.13");
        touch("home/.cache/javelin/nvrtc/nvidia/cu13/lib/libnvrtc.so.13");
        NvrtcLocator.Found found = locator(Map.of("LD_LIBRARY_PATH", "/nonexistent:" + root.resolve("ld")))
                .locate(Optional.empty());
        assertEquals(fromLdPath, found.library());
        assertEquals(Optional.empty(), found.builtins());
    }

    @Test
    void searchesCondaVirtualenvUserSiteAndTheJavelinCache() throws IOException {
        Path conda = touch("conda/lib/python3.11/site-packages/nvidia/cuda_nvrtc/lib/libnvrtc.so.12");
        Map<String, String> env = Map.of("CONDA_PREFIX", root.resolve("conda").toString());
        assertEquals(conda, locator(env).locate(Optional.empty()).library());

        Path venv = touch("venv/lib/python3.13/site-packages/nvidia/cu13/lib/libnvrtc.so.13");
        env = Map.of(
                "CONDA_PREFIX",
                root.resolve("conda").toString(),
                "VIRTUAL_ENV",
                root.resolve("venv").toString());
        assertEquals(venv, locator(env).locate(Optional.empty()).library());

        Path user = touch("home/.local/lib/python3.12/site-packages/nvidia/cu13/lib/libnvrtc.so.13.1");
        assertEquals(user, locator(env).locate(Optional.empty()).library());

        Path cache = touch("home/.cache/javelin/nvrtc/nvidia/cu13/lib/libnvrtc.so.13.2");
        assertEquals(cache, locator(env).locate(Optional.empty()).library());

        Path dist = touch("usr/local/lib/python3.12/dist-packages/nvidia/cu13/lib/libnvrtc.so.13.3");
        NvrtcLocator withUsrLocal = new NvrtcLocator(
                env, root.resolve("home"), List.of(), List.of(root.resolve("usr"), root.resolve("usr/local")));
        assertEquals(dist, withUsrLocal.locate(Optional.empty()).library());
    }

    @Test
    void anExplicitPathDecidesAlone() throws IOException {
        touch("usr/local/cuda/lib64/libnvrtc.so.13");
        Path old = touch("old/libnvrtc.so.12");
        assertEquals(old, locator(Map.of()).locate(Optional.of(old)).library());
        assertEquals(
                old, locator(Map.of()).locate(Optional.of(root.resolve("old"))).library());
        assertEquals(
                old,
                locator(Map.of("JAVELIN_NVRTC", old.toString()))
                        .locate(Optional.empty())
                        .library());

        Path empty = Files.createDirectories(root.resolve("empty"));
        CudaCompilerUnavailableException e = assertThrows(
                CudaCompilerUnavailableException.class, () -> locator(Map.of()).locate(Optional.of(empty)));
        assertEquals(
                "the given NVRTC path (flag javelin.cuda.nvrtc) " + empty + " is a folder without a libnvrtc.so.* file",
                e.getMessage());
        Path notNvrtc = touch("other/libcudart.so.13");
        e = assertThrows(
                CudaCompilerUnavailableException.class,
                () -> locator(Map.of("JAVELIN_NVRTC", notNvrtc.toString())).locate(Optional.empty()));
        assertEquals(
                "JAVELIN_NVRTC " + notNvrtc + " is not a libnvrtc.so.* file (nor a folder holding one)",
                e.getMessage());
    }

    @Test
    void nothingFoundSaysWhereItLookedAndWhatToDo() {
        CudaCompilerUnavailableException e = assertThrows(
                CudaCompilerUnavailableException.class, () -> locator(Map.of()).locate(Optional.empty()));
        String message = e.getMessage();
        assertTrue(
                message.startsWith("no libnvrtc.so.* in LD_LIBRARY_PATH, " + root.resolve("usr/local/cuda/lib64")),
                message);
        assertTrue(message.contains("nvidia/cu13/lib, nvidia/cuda_nvrtc/lib, nvidia/cu12/lib"), message);
        assertTrue(
                message.endsWith(
                        "run scripts/install-nvrtc, or give the path with javelin.cuda.nvrtc or JAVELIN_NVRTC"),
                message);
        assertEquals(1, message.lines().count());
    }
}
