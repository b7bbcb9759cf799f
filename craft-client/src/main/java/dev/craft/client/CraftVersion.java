package dev.craft.client;

import picocli.CommandLine;

/** {@code craft --version}: the version the jar was built as. */
public final class CraftVersion implements CommandLine.IVersionProvider {

    @Override
    public String[] getVersion() {
        String version = CraftVersion.class.getPackage().getImplementationVersion();
        return new String[] {"craft " + (version == null ? "(development build)" : version)};
    }
}
