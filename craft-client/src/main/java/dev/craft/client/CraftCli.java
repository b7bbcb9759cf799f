package dev.craft.client;

public final class CraftCli {
    public static void main(String[] args) {
    }
}
