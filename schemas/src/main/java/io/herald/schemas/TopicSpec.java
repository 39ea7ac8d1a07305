package io.herald.schemas;

import java.util.Map;
import java.util.Objects;

/**
 * How a Herald topic is created: its name, partition count and the topic-level configs that matter to Herald
 * (cleanup policy, retention). Replication is chosen by whoever creates the topic.
 */
public record TopicSpec(String name, int partitions, Map<String, String> configs) {

    public TopicSpec {
        Objects.requireNonNull(name, "name");
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1 for topic " + name);
        }
        configs = Map.copyOf(configs);
    }

    public boolean compacted() {
        return "compact".equals(configs.get("cleanup.policy"));
    }
}
