package dev.craft.service.e2e;

import dev.craft.service.testsupport.Prometheus;
import dev.craft.service.testsupport.VlmHttp;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.time.Duration;
import java.util.List;

import static dev.craft.service.testsupport.ServiceFixture.createClassSet;
import static dev.craft.service.testsupport.ServiceFixture.uploadGenerated;
import static dev.craft.service.testsupport.ServiceFixture.usage;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * 16 concurrent clients send batched predicts for a bounded time over loopback: the queries charged
 * in the ledger, at the usage endpoint and in Prometheus all equal the queries answered, exactly.
 */
class LoadTest extends ServiceTestBase {

    @Autowired
    JdbcClient jdbc;

    @Test
    void sixteenClientsAreChargedExactlyWhatWasAnswered() throws Exception {
        VlmHttp alice = alice();
        String datasetId = uploadGenerated(alice, 20, 1100);
        String classSetId = createClassSet(alice, List.of("a", "b", "c", "d", "e")).get("classSetId").asString();
        long ledgerBefore = ledger("alice");
        long usageBefore = usage(alice);
        double prometheusBefore = prometheusTotal("alice");

        LoadTestSupport.Outcome outcome = LoadTestSupport.run(alice, datasetId, classSetId, 16, 4, Duration.ofSeconds(8));
        System.out.println(outcome.summary("[load] 16 clients, P=4, N=20, K=5"));

        assertThat(outcome.unexpectedStatuses()).isEmpty();
        assertThat(outcome.everyOverloadHadRetryAfter()).isTrue();
        assertThat(outcome.ok()).isPositive();
        assertThat(ledger("alice") - ledgerBefore).isEqualTo(outcome.queriesAnswered());
        assertThat(usage(alice) - usageBefore).isEqualTo(outcome.queriesAnswered());
        assertThat(prometheusTotal("alice") - prometheusBefore).isEqualTo((double) outcome.queriesAnswered());
    }

    private long ledger(String tenant) {
        return jdbc.sql("SELECT COALESCE(SUM(queries), 0) FROM query_charge WHERE tenant = ?").param(tenant)
                .query(Long.class).single();
    }

    private double prometheusTotal(String tenant) {
        return Prometheus.sample(prometheus(), "vlm_queries_total", "tenant=\"" + tenant + "\"", "endpoint=\"predict\"");
    }
}
