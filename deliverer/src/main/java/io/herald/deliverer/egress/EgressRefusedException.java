package io.herald.deliverer.egress;

import java.net.UnknownHostException;

/**
 * Herald refused to connect to a webhook's host: a forbidden address, an ambiguous spelling, or a name that does
 * not resolve. A permanent failure: retrying won't help until the webhook's URL (or the allowlist) changes.
 * Extends {@link UnknownHostException} so Netty's resolver plumbing passes it through unchanged.
 */
public final class EgressRefusedException extends UnknownHostException {

    public EgressRefusedException(String reason) {
        super(reason);
    }
}
