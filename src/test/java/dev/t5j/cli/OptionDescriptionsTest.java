package dev.t5j.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every command, option and positional parameter of the CLI says what it is (issue 16 item 8). */
class OptionDescriptionsTest {
    static void walk(CommandLine cl, List<String> missing) {
        CommandSpec spec = cl.getCommandSpec();
        String cmd = spec.qualifiedName(" ");
        if (String.join("", spec.usageMessage().description()).isBlank()) missing.add(cmd + ": command description");
        for (OptionSpec o : spec.options())
            if (String.join("", o.description()).isBlank()) missing.add(cmd + " " + o.longestName());
        for (PositionalParamSpec p : spec.positionalParameters())
            if (String.join("", p.description()).isBlank()) missing.add(cmd + " " + p.paramLabel());
        for (CommandLine sub : cl.getSubcommands().values()) walk(sub, missing);
    }

    @Test
    void everyOptionOfEveryCommandHasADescription() {
        List<String> missing = new ArrayList<>();
        walk(T5jCli.commandLine(), missing);
        assertEquals(List.of(), missing);
    }

    @Test
    void indexIsDescribedByWhatItDoes() {
        String d = String.join(" ", T5jCli.commandLine().getSubcommands().get("index").getCommandSpec()
                .usageMessage().description());
        assertTrue(d.contains("build") && d.contains("info"), d);
    }

    @Test
    void predictHelpDoesNotOfferAConfigItRejects() {
        CommandLine predict = T5jCli.commandLine().getSubcommands().get("predict");
        assertFalse(predict.getCommandSpec().optionsMap().containsKey("--config"));
        assertFalse(predict.getUsageMessage().contains("--config"), predict.getUsageMessage());
    }
}
