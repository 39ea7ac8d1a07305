package io.herald.ingest.events;

/** A topic refused an event as larger than it accepts (its {@code max.message.bytes}); nothing was published. */
public final class EventTooLargeException extends RuntimeException {

    private final String eventId;

    public EventTooLargeException(String eventId, Throwable cause) {
        super("event " + eventId + " is larger than its topic accepts", cause);
        this.eventId = eventId;
    }

    public String eventId() {
        return eventId;
    }
}
