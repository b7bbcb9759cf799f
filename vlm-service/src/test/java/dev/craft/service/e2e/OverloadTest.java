package dev.craft.service.e2e;

import dev.craft.service.testsupport.VlmHttp;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

import java.time.Duration;
import java.util.List;

import static dev.craft.service.testsupport.ServiceFixture.createClassSet;
import static dev.craft.service.testsupport.ServiceFixture.uploadGenerated;
import static dev.craft.service.testsupport.ServiceFixture.usage;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * More concurrent work than the bounded queue holds: the excess is refused at once with 503 and
 * Retry-After (no unbounded queue, no out-of-memory), and only answered queries are charged.
 */
@TestPropertySource(properties = {"vlm.compute.concurrency=1", "vlm.compute.queue-length=2"})
class OverloadTest extends ServiceTestBase {

    @Test
    void excessRequestsAreRefusedWithRetryAfterAndNotCharged() throws Exception {
        VlmHttp bob = bob();
        String datasetId = uploadGenerated(bob, 20, 1300);
        String classSetId = createClassSet(bob, List.of("a", "b", "c")).get("classSetId").asString();
        long before = usage(bob);

        LoadTestSupport.Outcome outcome = LoadTestSupport.run(bob, datasetId, classSetId, 16, 4, Duration.ofSeconds(4));
        System.out.println(outcome.summary("[overload] 16 clients, queue 2, concurrency 1"));

        assertThat(outcome.unexpectedStatuses()).isEmpty();
        assertThat(outcome.overloaded()).isPositive();
        assertThat(outcome.everyOverloadHadRetryAfter()).isTrue();
        assertThat(usage(bob) - before).isEqualTo(outcome.queriesAnswered());
        assertThat(VlmHttp.text(new VlmHttp(port, null).get("/actuator/health"))).contains("\"UP\"");
    }
}
