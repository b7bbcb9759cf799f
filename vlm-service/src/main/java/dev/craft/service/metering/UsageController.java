package dev.craft.service.metering;

import dev.craft.api.Usage;
import dev.craft.service.auth.CurrentTenant;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
class UsageController {

    private final QuotaLedger ledger;

    UsageController(QuotaLedger ledger) {
        this.ledger = ledger;
    }

    @GetMapping("/v1/usage")
    Usage usage() {
        return ledger.usage(CurrentTenant.get());
    }
}
