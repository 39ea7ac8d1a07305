package io.herald.publisher;

/** Where a published event was stored: durable on every in-sync replica ({@code acks=all}). */
public record PublishedEvent(String eventId, String type, String topic, int partition, long offset) {
}
