package dev.craft.client.service;

import java.io.FileNotFoundException;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * A multipart/form-data body whose file parts stream from disk while it is sent (only part headers are
 * held in memory). The body can be sent again, for a retry: each send re-reads the files.
 */
final class MultipartBody {

    private static final byte[] CRLF = "\r\n".getBytes(StandardCharsets.US_ASCII);

    private final String boundary = "craft-" + UUID.randomUUID();
    private final List<BodyPublisher> parts = new ArrayList<>();

    MultipartBody field(String name, String value) {
        return part("Content-Disposition: form-data; name=\"" + quote(name) + "\"\r\n"
                + "Content-Type: text/plain; charset=UTF-8", BodyPublishers.ofString(value, StandardCharsets.UTF_8));
    }

    /** A file part named after the file's name, its content read from disk at send time. */
    MultipartBody file(String name, Path file) {
        if (!Files.isRegularFile(file)) {
            throw new VlmClientException("cannot send " + file + ": no such file");
        }
        BodyPublisher content;
        try {
            content = BodyPublishers.ofFile(file);
        } catch (FileNotFoundException e) {
            throw new VlmClientException("cannot send " + file + ": " + e.getMessage(), e);
        }
        return bytes(name, file.getFileName().toString(), contentTypeOf(file), content);
    }

    MultipartBody bytes(String name, String fileName, String contentType, BodyPublisher content) {
        return part("Content-Disposition: form-data; name=\"" + quote(name) + "\"; filename=\"" + quote(fileName)
                + "\"\r\nContent-Type: " + contentType, content);
    }

    String contentType() {
        return "multipart/form-data; boundary=" + boundary;
    }

    HttpRequest.BodyPublisher publisher() {
        List<BodyPublisher> all = new ArrayList<>(parts);
        all.add(BodyPublishers.ofByteArray(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII)));
        return BodyPublishers.concat(all.toArray(BodyPublisher[]::new));
    }

    private MultipartBody part(String headers, BodyPublisher content) {
        parts.add(BodyPublishers.ofByteArray(("--" + boundary + "\r\n" + headers + "\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8)));
        parts.add(content);
        parts.add(BodyPublishers.ofByteArray(CRLF));
        return this;
    }

    // As browsers do (HTML form submission): percent-escape the characters that would end the quoted value.
    private static String quote(String value) {
        return value.replace("\"", "%22").replace("\r", "%0D").replace("\n", "%0A");
    }

    private static String contentTypeOf(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        return switch (dot < 0 ? "" : name.substring(dot + 1)) {
            case "jpg", "jpeg" -> "image/jpeg";
            case "png" -> "image/png";
            case "gif" -> "image/gif";
            case "bmp" -> "image/bmp";
            case "webp" -> "image/webp";
            case "tif", "tiff" -> "image/tiff";
            case "zip" -> "application/zip";
            case "tar" -> "application/x-tar";
            case "gz", "tgz" -> "application/gzip";
            default -> "application/octet-stream";
        };
    }
}
