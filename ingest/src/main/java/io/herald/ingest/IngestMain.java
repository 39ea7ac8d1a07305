package io.herald.ingest;

import io.micronaut.runtime.Micronaut;

/** Runs the ingest service; its port is {@code herald.ingest.port} (env {@code HERALD_INGEST_PORT}, default 8080). */
public final class IngestMain {

    private IngestMain() {
    }

    public static void main(String[] args) {
        Micronaut.build(args).mainClass(IngestMain.class).environments(IngestServer.ENVIRONMENT).start();
    }
}
