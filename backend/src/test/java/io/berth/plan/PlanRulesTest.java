package io.berth.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.berth.common.ProblemException;

class PlanRulesTest {

    private static PlanView plan(String name, long cpuRequest, long defaultCpuRequest, long defaultCpuLimit,
            List<String> storageClasses, long priceCpu) {
        return new PlanView("team", name, "", true, 10, cpuRequest, 16000, 1L << 34, 1L << 35, 1L << 34, 1L << 36, 100,
                50, 200, 200, 50, 10, 2, 1, storageClasses, defaultCpuRequest, defaultCpuLimit, 128L << 20, 512L << 20,
                priceCpu, 3500, 100, 80000, 0, 0, 2000, 25000, 10_000_000);
    }

    private static String field(Runnable r) {
        try {
            r.run();
            return null;
        } catch (ProblemException e) {
            return e.problem().errors().get(0).field();
        }
    }

    @Test
    void aSensiblePlanPasses() {
        assertThatCode(() -> PlanService.validate("team", plan("Team", 8000, 100, 500, List.of("standard"), 25000)))
                .doesNotThrowAnyException();
    }

    @Test
    void theIdIsALowercaseDnsLikeName() {
        PlanView ok = plan("Team", 8000, 100, 500, List.of("standard"), 25000);
        assertThat(field(() -> PlanService.validate("Team", ok))).isEqualTo("id");
        assertThat(field(() -> PlanService.validate("9lives", ok))).isEqualTo("id");
        assertThat(field(() -> PlanService.validate("a".repeat(32), ok))).isEqualTo("id");
        assertThat(field(() -> PlanService.validate(null, ok))).isEqualTo("id");
        assertThatThrownBy(() -> PlanService.validate("team", null)).hasMessage("is required");
    }

    @Test
    void theFirstBrokenRuleIsNamed() {
        assertThat(field(() -> PlanService.validate("team", plan(" ", 8000, 100, 500, List.of(), 0)))).isEqualTo(
                "name");
        assertThat(field(() -> PlanService.validate("team", plan("Team", -1, 100, 500, List.of(), 0))))
                .isEqualTo("cpuRequestMillis");
        assertThat(field(() -> PlanService.validate("team", plan("Team", 8000, 100, 500, List.of(), -1))))
                .isEqualTo("priceCpuCoreHour");
        assertThat(field(() -> PlanService.validate("team", plan("Team", 8000, 0, 500, List.of(), 0))))
                .isEqualTo("defaultCpuRequestMillis");
        assertThat(field(() -> PlanService.validate("team", plan("Team", 8000, 200, 100, List.of(), 0))))
                .isEqualTo("defaultCpuLimitMillis");
        assertThat(field(() -> PlanService.validate("team", plan("Team", 8000, 100, 500, List.of("Fast!"), 0))))
                .isEqualTo("storageClasses");
    }
}
