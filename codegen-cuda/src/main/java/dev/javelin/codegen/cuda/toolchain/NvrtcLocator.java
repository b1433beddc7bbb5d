package dev.javelin.codegen.cuda.toolchain;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds {@code libnvrtc.so.*} for the {@code java.lang.foreign} binding. A path given by the caller
 * (flag {@code javelin.cuda.nvrtc}) decides alone, then the environment variable
 * {@code JAVELIN_NVRTC}; otherwise every usual place is searched and the highest version wins
 * (the earlier place on a tie): {@code LD_LIBRARY_PATH}, the CUDA toolkit, the system library
 * folder, the NVIDIA Python wheels ({@code nvidia/cu13/lib}, {@code nvidia/cuda_nvrtc/lib},
 * {@code nvidia/cu12/lib} in every site-packages folder, a conda environment and a virtualenv
 * included) and {@code ~/.cache/javelin/nvrtc}, where {@code scripts/install-nvrtc} puts the wheel.
 * Python is never run: its folders are listed directly.
 */
final class NvrtcLocator {
    private static final Pattern LIBRARY = Pattern.compile("libnvrtc\\.so((?:\\.\\d+)*)");
    private static final Pattern BUILTINS = Pattern.compile("libnvrtc-builtins\\.so((?:\\.\\d+)*)");
    private static final List<String> WHEEL_LIBS =
            List.of("nvidia/cu13/lib", "nvidia/cuda_nvrtc/lib", "nvidia/cu12/lib");

    /** The library to load, the builtins library from the same folder if there is one, and the version. */
    record Found(Path library, Optional<Path> builtins, List<Integer> version) {}

    private final Map<String, String> env;
    private final Path home;
    private final List<Path> systemDirs;
    private final List<Path> pythonPrefixes;

    /**
     * @param systemDirs library folders searched after {@code LD_LIBRARY_PATH}
     * @param pythonPrefixes prefixes whose {@code lib/python3*}{@code /site-packages} and
     *     {@code dist-packages} hold Python packages
     */
    NvrtcLocator(Map<String, String> env, Path home, List<Path> systemDirs, List<Path> pythonPrefixes) {
        this.env = Map.copyOf(env);
        this.home = home;
        this.systemDirs = List.copyOf(systemDirs);
        this.pythonPrefixes = List.copyOf(pythonPrefixes);
    }

    static NvrtcLocator system() {
        return new NvrtcLocator(
                System.getenv(),
                Path.of(System.getProperty("user.home")),
                List.of(Path.of("/usr/local/cuda/lib64"), Path.of("/usr/lib/x86_64-linux-gnu")),
                List.of(Path.of("/usr"), Path.of("/usr/local")));
    }

    /**
     * @throws CudaCompilerUnavailableException naming the given path that holds no libnvrtc, or every
     *     place searched
     */
    Found locate(Optional<Path> explicit) {
        if (explicit.isPresent()) {
            return inGiven(explicit.get(), "the given NVRTC path (flag javelin.cuda.nvrtc)");
        }
        String fromEnv = env.getOrDefault("JAVELIN_NVRTC", "");
        if (!fromEnv.isBlank()) {
            return inGiven(Path.of(fromEnv), "JAVELIN_NVRTC");
        }
        List<Path> dirs = searchDirs();
        Found best = null;
        for (Path dir : dirs) {
            Optional<Found> found = inDir(dir);
            if (found.isPresent() && (best == null || compare(found.get().version(), best.version()) > 0)) {
                best = found.get();
            }
        }
        if (best == null) {
            throw new CudaCompilerUnavailableException("no libnvrtc.so.* in LD_LIBRARY_PATH, "
                    + String.join(", ", systemDirs.stream().map(Path::toString).toList())
                    + ", the NVIDIA Python wheels (" + String.join(", ", WHEEL_LIBS) + " in site-packages of "
                    + "/usr/lib/python3*, /usr/local/lib/python3*, ~/.local/lib/python3*, $CONDA_PREFIX, $VIRTUAL_ENV)"
                    + " or " + javelinCache() + "; run scripts/install-nvrtc, or give the path with"
                    + " javelin.cuda.nvrtc or JAVELIN_NVRTC");
        }
        return best;
    }

    private Path javelinCache() {
        return home.resolve(".cache/javelin/nvrtc/nvidia/cu13/lib");
    }

    private Found inGiven(Path path, String what) {
        if (Files.isRegularFile(path)) {
            Optional<List<Integer>> version = versionOf(path.getFileName().toString(), LIBRARY);
            if (version.isEmpty()) {
                throw new CudaCompilerUnavailableException(
                        what + " " + path + " is not a libnvrtc.so.* file (nor a folder holding one)");
            }
            return new Found(path, builtinsBeside(path.getParent(), version.get()), version.get());
        }
        return inDir(path)
                .orElseThrow(() -> new CudaCompilerUnavailableException(what + " " + path
                        + (Files.isDirectory(path) ? " is a folder without a libnvrtc.so.* file" : " does not exist")));
    }

    /** Every folder searched, in order; later ones win only with a higher version. */
    List<Path> searchDirs() {
        List<Path> dirs = new ArrayList<>();
        for (String entry : env.getOrDefault("LD_LIBRARY_PATH", "").split(":")) {
            if (!entry.isBlank()) {
                dirs.add(Path.of(entry));
            }
        }
        dirs.addAll(systemDirs);
        List<Path> sitePackages = new ArrayList<>();
        for (Path prefix : pythonPrefixes) {
            sitePackages.addAll(sitePackagesUnder(prefix, List.of("site-packages", "dist-packages")));
        }
        sitePackages.addAll(sitePackagesUnder(home.resolve(".local"), List.of("site-packages")));
        for (String variable : List.of("CONDA_PREFIX", "VIRTUAL_ENV")) {
            String prefix = env.getOrDefault(variable, "");
            if (!prefix.isBlank()) {
                sitePackages.addAll(sitePackagesUnder(Path.of(prefix), List.of("site-packages")));
            }
        }
        for (Path site : sitePackages) {
            WHEEL_LIBS.forEach(lib -> dirs.add(site.resolve(lib)));
        }
        dirs.add(javelinCache());
        return dirs;
    }

    private static List<Path> sitePackagesUnder(Path prefix, List<String> names) {
        List<Path> result = new ArrayList<>();
        for (Path python : list(prefix.resolve("lib"), "python3*")) {
            for (String name : names) {
                Path site = python.resolve(name);
                if (Files.isDirectory(site)) {
                    result.add(site);
                }
            }
        }
        return result;
    }

    private static Optional<Found> inDir(Path dir) {
        Path best = null;
        List<Integer> bestVersion = null;
        for (Path file : list(dir, "libnvrtc.so*")) {
            Optional<List<Integer>> version = versionOf(file.getFileName().toString(), LIBRARY);
            if (version.isPresent()
                    && Files.isRegularFile(file)
                    && (best == null || compare(version.get(), bestVersion) > 0)) {
                best = file;
                bestVersion = version.get();
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        return Optional.of(new Found(best, builtinsBeside(dir, bestVersion), bestVersion));
    }

    /** NVRTC opens its builtins library by name at each compile, so the one beside it, same major version. */
    private static Optional<Path> builtinsBeside(Path dir, List<Integer> version) {
        if (dir == null) {
            return Optional.empty();
        }
        return list(dir, "libnvrtc-builtins.so*").stream()
                .filter(file -> versionOf(file.getFileName().toString(), BUILTINS)
                        .filter(v -> version.isEmpty()
                                || (!v.isEmpty() && v.getFirst().equals(version.getFirst())))
                        .isPresent())
                .max(Comparator.comparing(
                        file -> versionOf(file.getFileName().toString(), BUILTINS)
                                .orElseThrow(),
                        NvrtcLocator::compare));
    }

    /** {@code libnvrtc.so.13.0} gives [13, 0]; a bare {@code libnvrtc.so} gives [] (ranks lowest). */
    private static Optional<List<Integer>> versionOf(String fileName, Pattern pattern) {
        Matcher matcher = pattern.matcher(fileName);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        String digits = matcher.group(1);
        if (digits.isEmpty()) {
            return Optional.of(List.of());
        }
        return Optional.of(Arrays.stream(digits.substring(1).split("\\."))
                .map(Integer::valueOf)
                .toList());
    }

    private static int compare(List<Integer> a, List<Integer> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = Integer.compare(a.get(i), b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }

    /** The folder's entries matching a glob, sorted; none when the folder is missing or unreadable. */
    private static List<Path> list(Path dir, String glob) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, glob)) {
            stream.forEach(entries::add);
        } catch (IOException | SecurityException e) {
            return List.of();
        }
        entries.sort(Comparator.naturalOrder());
        return entries;
    }
}
