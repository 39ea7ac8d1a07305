package io.herald.signatures;

/** A webhook request failed verification; the message says which check. Reject the request. */
public final class WebhookVerificationException extends RuntimeException {

    public WebhookVerificationException(String message) {
        super(message);
    }
}
