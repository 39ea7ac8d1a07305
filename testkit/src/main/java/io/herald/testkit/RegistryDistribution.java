package io.herald.testkit;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.kafka.common.utils.Utils;

/**
 * Finds the Apicurio registry distribution that Maven downloaded (a dependency of this module) and unpacks it once
 * into a cache directory shared by every test JVM and local run.
 */
final class RegistryDistribution {

    static final String RUNNER_JAR_FORMAT = "apicurio-registry-app-%s-runner.jar";

    private final String version;
    private final Path archive;

    private RegistryDistribution(String version, Path archive) {
        this.version = version;
        this.archive = archive;
    }

    /** The distribution recorded at build time, overridable with {@code -Dherald.registry.dist=<tar.gz>}. */
    static RegistryDistribution fromBuild() {
        Properties build = new Properties();
        try (InputStream in = RegistryDistribution.class.getResourceAsStream("/herald-testkit.properties")) {
            build.load(in);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("herald-testkit.properties is missing from the testkit jar", e);
        }
        String version = build.getProperty("apicurio.version");
        Path archive = Path.of(System.getProperty("herald.registry.dist", build.getProperty("registry.dist")));
        return new RegistryDistribution(version, archive);
    }

    String version() {
        return version;
    }

    /** The directory holding the runner jar and its lib/, unpacking the archive on first use. */
    Path home() {
        Path home = cacheDirectory().resolve("apicurio-registry-" + version);
        if (Files.isRegularFile(home.resolve(runnerJarName()))) {
            return home;
        }
        if (!Files.isRegularFile(archive)) {
            throw new IllegalStateException("the schema registry distribution " + archive + " is missing; run "
                    + "`./mvnw -pl testkit -am install -DskipTests` (Maven downloads it) or set -Dherald.registry.dist");
        }
        try {
            Files.createDirectories(home.getParent());
            Path staging = Files.createTempDirectory(home.getParent(), "unpacking-");
            unpack(archive, staging);
            try {
                Files.move(staging, home, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException | AtomicMoveNotSupportedException e) {
                Utils.delete(staging.toFile()); // another JVM unpacked it first
            }
            return home;
        } catch (IOException e) {
            throw new UncheckedIOException("unpacking the schema registry " + archive + " failed", e);
        }
    }

    String runnerJarName() {
        return RUNNER_JAR_FORMAT.formatted(version);
    }

    static Path cacheDirectory() {
        String configured = System.getProperty("herald.cache.dir");
        if (configured != null) {
            return Path.of(configured);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        return (xdg != null ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache")).resolve("herald");
    }

    private static void unpack(Path archive, Path target) throws IOException {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(
                new BufferedInputStream(Files.newInputStream(archive))))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path out = target.resolve(entry.getName()).normalize();
                if (!out.startsWith(target)) {
                    throw new IOException("archive entry escapes the target directory: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                } else {
                    Files.createDirectories(out.getParent());
                    Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
