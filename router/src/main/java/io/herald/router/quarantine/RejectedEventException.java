package io.herald.router.quarantine;

/** An event-topic record that decoded but is not a valid event; the router quarantines it with this reason. */
public final class RejectedEventException extends RuntimeException {

    public RejectedEventException(String reason) {
        super(reason, null, false, false); // an expected outcome, not a bug: no stack trace
    }
}
