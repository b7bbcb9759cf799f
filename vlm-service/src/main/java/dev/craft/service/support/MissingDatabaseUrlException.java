package dev.craft.service.support;

/** {@code vlm.store=postgres} without {@code spring.datasource.url}. */
final class MissingDatabaseUrlException extends RuntimeException {

    MissingDatabaseUrlException() {
        super("vlm.store=postgres needs spring.datasource.url (SPRING_DATASOURCE_URL), e.g. "
                + "jdbc:postgresql://db-host:5432/vlm, with spring.datasource.username and spring.datasource.password");
    }
}
