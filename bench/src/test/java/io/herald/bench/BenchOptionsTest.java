package io.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class BenchOptionsTest {

    @Test
    void readsEveryOption() {
        BenchOptions options = BenchOptions.parse("--quick", "--profile", "--only", "Fan-Out 1, instant",
                "--out", "/tmp/b");

        assertThat(options.quick()).isTrue();
        assertThat(options.profile()).isTrue();
        assertThat(options.out()).isEqualTo(Path.of("/tmp/b"));
        assertThat(BenchOptions.SCENARIOS.stream().filter(options.selected()))
                .containsExactly("herald fan-out 1, instant");
    }

    @Test
    void picksTheScenariosMatchingAnyOfSeveralTexts() {
        BenchOptions options = BenchOptions.parse("--only", "fan-out 10, instant | black-holed, instant");

        assertThat(BenchOptions.SCENARIOS.stream().filter(options.selected())).containsExactly(
                "herald fan-out 10, instant", "isolation: 10% black-holed, instant",
                "scale-out: 2 deliverers, fan-out 10, instant");
    }

    @Test
    void runsEverythingByDefault() {
        BenchOptions options = BenchOptions.parse();

        assertThat(options.quick()).isFalse();
        assertThat(options.out()).isEqualTo(Path.of("bench/target/bench"));
        assertThat(BenchOptions.SCENARIOS.stream().allMatch(options.selected())).isTrue();
    }

    @Test
    void refusesWhatItCannotRunBeforeAnythingStarts() {
        assertThatThrownBy(() -> BenchOptions.parse("--only")).hasMessage("--only needs a value");
        assertThatThrownBy(() -> BenchOptions.parse("--out", "--quick")).hasMessage("--out needs a value");
        assertThatThrownBy(() -> BenchOptions.parse("--fast")).hasMessage("unknown option --fast");
        assertThatThrownBy(() -> BenchOptions.parse("--only", "fan-out 3"))
                .hasMessageStartingWith("--only 'fan-out 3' matches no scenario; they are: ceiling: HTTP only, instant;");
    }
}
