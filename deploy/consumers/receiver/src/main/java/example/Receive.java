package example;

import com.sun.net.httpserver.HttpServer;
import io.herald.signatures.WebhookVerificationException;
import io.herald.signatures.WebhookVerifier;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A tenant's receiver as a user writes one, with nothing of Herald's but herald-signatures: verifies each delivery
 * (204, or 401 saying why) and prints what it verified.
 */
public class Receive {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]); // 0: any free port, printed
        Path secretFile = Path.of(args[1]); // written once the webhook exists: the secret is known only then
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, String> headers = new HashMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, values.get(0)));
            int status;
            try {
                new WebhookVerifier(Files.readString(secretFile).trim()).verify(body, headers);
                System.out.println("verified " + body);
                status = 204;
            } catch (WebhookVerificationException | IllegalArgumentException e) {
                System.out.println("refused: " + e.getMessage());
                status = 401;
            }
            System.out.flush();
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
        System.out.println("listening on 127.0.0.1:" + server.getAddress().getPort());
    }
}
