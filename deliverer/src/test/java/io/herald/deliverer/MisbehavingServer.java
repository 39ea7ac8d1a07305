package io.herald.deliverer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** A raw TCP server on loopback playing hostile webhook endpoints that a normal HTTP server can't imitate. */
final class MisbehavingServer implements AutoCloseable {

    enum Behaviour {
        /** 200 with a chunked body that never ends. */
        ENDLESS_BODY,
        /** The status line and headers, one byte per second. */
        DRIP_HEADERS,
        /** 302 to the cloud metadata address. */
        REDIRECT_TO_METADATA,
        /** 200 with 150 small headers. */
        MANY_HEADERS,
        /** 200 with a 64 KiB header. */
        HUGE_HEADER,
        /** Accepts the request and never answers. */
        BLACK_HOLE
    }

    private final ServerSocket socket;
    private final Behaviour behaviour;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile boolean open = true;

    MisbehavingServer(Behaviour behaviour) {
        this.behaviour = behaviour;
        try {
            this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        executor.submit(this::accept);
    }

    String url() {
        return "http://127.0.0.1:" + socket.getLocalPort() + "/hook";
    }

    int connections() {
        return connections.get();
    }

    private void accept() {
        while (open) {
            try {
                Socket client = socket.accept();
                connections.incrementAndGet();
                executor.submit(() -> serve(client));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client; InputStream in = client.getInputStream(); OutputStream out = client.getOutputStream()) {
            readRequestHead(in);
            switch (behaviour) {
                case ENDLESS_BODY -> {
                    out.write(ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"));
                    byte[] chunk = ascii("400\r\n" + "x".repeat(1024) + "\r\n");
                    while (open) {
                        out.write(chunk);
                    }
                }
                case DRIP_HEADERS -> {
                    for (byte b : ascii("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")) {
                        out.write(b);
                        out.flush();
                        Thread.sleep(1_000);
                    }
                }
                case REDIRECT_TO_METADATA -> out.write(ascii("HTTP/1.1 302 Found\r\n"
                        + "Location: http://169.254.169.254/latest/meta-data/\r\nContent-Length: 0\r\n\r\n"));
                case MANY_HEADERS -> {
                    StringBuilder head = new StringBuilder("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n");
                    for (int i = 0; i < 150; i++) {
                        head.append("X-Noise-").append(i).append(": 1\r\n");
                    }
                    out.write(ascii(head.append("\r\n").toString()));
                }
                case BLACK_HOLE -> {
                    while (open && in.read() != -1) {
                        // keep the connection, say nothing
                    }
                }
                case HUGE_HEADER -> out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX-Huge: "
                        + "y".repeat(64 * 1024) + "\r\n\r\n"));
            }
            out.flush();
        } catch (IOException | InterruptedException clientGaveUp) {
            // expected: the deliverer stops reading or times out
        }
    }

    private static void readRequestHead(InputStream in) throws IOException {
        int matched = 0;
        byte[] end = ascii("\r\n\r\n");
        int b;
        while (matched < end.length && (b = in.read()) != -1) {
            matched = b == end[matched] ? matched + 1 : (b == end[0] ? 1 : 0);
        }
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() {
        open = false;
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        executor.shutdownNow();
    }
}
