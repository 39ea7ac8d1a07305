package io.herald.bench;

import java.time.Duration;

/**
 * How much each scenario sends.
 *
 * @param httpRequests requests of the HTTP ceiling
 * @param kafkaRecords records of the Kafka ceiling
 * @param fanOutOneEvents events of the fan-out 1 runs (one webhook each)
 * @param fanOutTenEvents events of the fan-out 10 runs (ten webhooks each)
 * @param naiveEvents events the naive consumer posts with the instant receiver
 * @param naiveSlowEvents ... and with the 50 ms receiver (20 a second at best)
 * @param steadyFor how long the 50 %-load latency run publishes
 * @param minWarmUpRounds the fewest fan-out 1 warm-up rounds (of half the fan-out 1 events) before measuring
 * @param maxWarmUpRounds the most
 * @param warmUpBudget no new warm-up round starts after this long (once the fewest have run)
 * @param comparedRuns how many times fan-out 10 and the isolation runs compared with it repeat (median reported)
 * @param ingestRequests single-event POSTs of the HTTP ingest run (and a tenth of it the batches of 50)
 * @param publisherEvents events the Java publisher sends in its run
 */
record BenchPlan(String name, int httpRequests, int kafkaRecords, int fanOutOneEvents, int fanOutTenEvents,
        int naiveEvents, int naiveSlowEvents, Duration steadyFor, int minWarmUpRounds,
        int maxWarmUpRounds, Duration warmUpBudget, int comparedRuns, int ingestRequests, int publisherEvents) {

    static final BenchPlan FULL = new BenchPlan("full", 50_000, 200_000, 20_000, 2_000, 5_000, 200,
            Duration.ofSeconds(20), 4, 20, Duration.ofMinutes(3), 3, 20_000, 100_000);
    static final BenchPlan QUICK = new BenchPlan("quick", 2_000, 10_000, 1_000, 100, 300, 20,
            Duration.ofSeconds(3), 1, 1, Duration.ZERO, 1, 1_000, 5_000);
}
