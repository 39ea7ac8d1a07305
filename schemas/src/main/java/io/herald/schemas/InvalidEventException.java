package io.herald.schemas;

import java.util.List;

/** An event that breaks the contract; its message lists every problem found. Nothing was published. */
public final class InvalidEventException extends IllegalArgumentException {

    private final List<String> problems;

    public InvalidEventException(List<String> problems) {
        super("invalid IAM event: " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
