package example;

import io.herald.publisher.HeraldPublisher;
import io.herald.publisher.PublishedEvent;
import io.herald.publisher.PublisherConfig;
import io.herald.schemas.IamEvents;
import io.herald.schemas.data.AuthLoginSucceeded;

/** An IAM service as a user writes one, with nothing of Herald's but herald-publisher: publishes one login event. */
public class Publish {
    public static void main(String[] args) throws Exception {
        String bootstrapServers = args[0];
        String registryUrl = args[1];
        try (HeraldPublisher publisher = HeraldPublisher.create(
                PublisherConfig.of(bootstrapServers, registryUrl, "example-login-service"))) {
            PublishedEvent published = publisher.publish(IamEvents.of("acme", AuthLoginSucceeded.newBuilder()
                    .setUserId("usr_42").setEmail("ada@acme.test").setIpAddress("198.51.100.7")
                    .setMethod("passkey").build())).get();
            System.out.println("published " + published.eventId() + " to " + published.topic());
        }
    }
}
