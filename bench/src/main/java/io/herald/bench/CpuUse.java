package io.herald.bench;

/** CPU milliseconds of the router and deliverer(s): in all, and in their JIT compiler threads (-1: unknown). */
record CpuUse(long totalMillis, long compilerMillis) {

    CpuUse minus(CpuUse before) {
        return new CpuUse(totalMillis - before.totalMillis, compilerMillis < 0 || before.compilerMillis < 0 ? -1
                : compilerMillis - before.compilerMillis);
    }

    double perThousand(long deliveries) {
        return totalMillis * 1000.0 / Math.max(1, deliveries);
    }

    double perThousandWithoutJit(long deliveries) {
        return compilerMillis < 0 ? -1 : (totalMillis - compilerMillis) * 1000.0 / Math.max(1, deliveries);
    }
}
