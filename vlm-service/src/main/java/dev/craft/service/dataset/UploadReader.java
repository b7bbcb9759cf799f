package dev.craft.service.dataset;

import dev.craft.api.ProblemTypes;
import dev.craft.service.VlmProperties;
import dev.craft.service.problem.ApiException;
import org.apache.commons.compress.archivers.ArchiveEntry;
import org.apache.commons.compress.archivers.ArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.springframework.http.HttpStatus;
import org.springframework.web.multipart.MultipartFile;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * Turns the multipart field {@code images} into an {@link ImageSource}: either image files, or one
 * tar, tar.gz or zip archive whose regular entries are the images, in archive order. Unsafe entry
 * paths, links, too many entries and oversized files are refused.
 */
final class UploadReader {

    private final VlmProperties.Limits limits;

    UploadReader(VlmProperties.Limits limits) {
        this.limits = limits;
    }

    ImageSource read(List<MultipartFile> parts) {
        if (parts == null || parts.isEmpty()) {
            throw ApiException.badRequest(ProblemTypes.MALFORMED_REQUEST,
                    "no images: send them as multipart/form-data field 'images' (repeated), or one tar/zip");
        }
        if (parts.size() == 1 && ArchiveKind.of(parts.get(0)) != ArchiveKind.NONE) {
            return archive(parts.get(0));
        }
        if (parts.size() > limits.maxImagesPerDataset()) {
            throw tooMany(parts.size() + " images");
        }
        return sink -> {
            for (int i = 0; i < parts.size(); i++) {
                MultipartFile part = parts.get(i);
                String name = nameOf(part, i);
                if (ArchiveKind.of(part) != ArchiveKind.NONE) {
                    throw ApiException.badRequest(ProblemTypes.INVALID_ARCHIVE,
                            "archive '" + name + "' must be the only file of an upload");
                }
                if (part.getSize() > limits.maxImageBytes()) {
                    throw oversized(name);
                }
                sink.accept(new UploadedImage(name, part.getBytes()));
            }
        };
    }

    private ImageSource archive(MultipartFile part) {
        return sink -> {
            try (InputStream raw = new BufferedInputStream(part.getInputStream());
                 ArchiveInputStream<? extends ArchiveEntry> entries = ArchiveKind.of(part).open(raw)) {
                int count = 0;
                ArchiveEntry entry;
                while ((entry = nextEntry(entries)) != null) {
                    String name = entry.getName();
                    checkSafe(entry, name);
                    if (entry.isDirectory() || isMetadata(name)) {
                        continue;
                    }
                    if (++count > Math.min(limits.maxArchiveEntries(), limits.maxImagesPerDataset())) {
                        throw tooMany("more than " + Math.min(limits.maxArchiveEntries(), limits.maxImagesPerDataset())
                                + " archive entries");
                    }
                    byte[] bytes = entries.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limits.maxImageBytes() + 1));
                    if (bytes.length > limits.maxImageBytes()) {
                        throw oversized(name);
                    }
                    sink.accept(new UploadedImage(name, bytes));
                }
                if (count == 0) {
                    throw ApiException.badRequest(ProblemTypes.INVALID_ARCHIVE, "the archive holds no images");
                }
            }
        };
    }

    private static ArchiveEntry nextEntry(ArchiveInputStream<? extends ArchiveEntry> entries) {
        try {
            return entries.getNextEntry();
        } catch (IOException | RuntimeException e) {
            throw ApiException.badRequest(ProblemTypes.INVALID_ARCHIVE, "the archive is damaged: " + e.getMessage());
        }
    }

    private static void checkSafe(ArchiveEntry entry, String name) {
        String normalized = name.replace('\\', '/');
        boolean traversal = normalized.startsWith("/") || normalized.matches("^[A-Za-z]:.*")
                || ("/" + normalized + "/").contains("/../");
        boolean link = entry instanceof TarArchiveEntry tar && (tar.isSymbolicLink() || tar.isLink())
                || entry instanceof ZipArchiveEntry zip && zip.isUnixSymlink();
        if (traversal || link || name.indexOf('\0') >= 0) {
            throw ApiException.badRequest(ProblemTypes.INVALID_ARCHIVE,
                    "archive entry '" + name + "' is " + (link ? "a link" : "an unsafe path") + "; refused");
        }
    }

    private static boolean isMetadata(String name) {
        String normalized = name.replace('\\', '/');
        String last = normalized.substring(normalized.lastIndexOf('/') + 1);
        return last.startsWith(".") || normalized.startsWith("__MACOSX/") || normalized.contains("/__MACOSX/");
    }

    private static String nameOf(MultipartFile part, int index) {
        String name = part.getOriginalFilename();
        return name == null || name.isBlank() ? "image-" + index : name;
    }

    private ApiException tooMany(String what) {
        return ApiException.badRequest(ProblemTypes.TOO_MANY_IMAGES,
                what + ": one dataset holds at most " + limits.maxImagesPerDataset() + " images");
    }

    private ApiException oversized(String name) {
        return new ApiException(HttpStatus.PAYLOAD_TOO_LARGE, ProblemTypes.PAYLOAD_TOO_LARGE,
                "image '" + name + "' is larger than " + limits.maxImageBytes() + " bytes");
    }

    /** Recognised by content, not by file name. */
    enum ArchiveKind {
        NONE, ZIP, TAR, TAR_GZ;

        static ArchiveKind of(MultipartFile part) {
            byte[] head = new byte[512];
            int n;
            try (InputStream in = part.getInputStream()) {
                n = in.readNBytes(head, 0, head.length);
            } catch (IOException e) {
                return NONE;
            }
            if (n >= 4 && head[0] == 'P' && head[1] == 'K' && (head[2] == 3 || head[2] == 5) && (head[3] == 4 || head[3] == 6)) {
                return ZIP;
            }
            if (n >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
                return TAR_GZ;
            }
            if (n >= 262 && new String(head, 257, 5, java.nio.charset.StandardCharsets.US_ASCII).equals("ustar")) {
                return TAR;
            }
            return NONE;
        }

        ArchiveInputStream<? extends ArchiveEntry> open(InputStream in) throws IOException {
            return switch (this) {
                case ZIP -> new ZipArchiveInputStream(in);
                case TAR -> new TarArchiveInputStream(in);
                case TAR_GZ -> new TarArchiveInputStream(new GzipCompressorInputStream(in));
                case NONE -> throw new IllegalStateException("not an archive");
            };
        }
    }
}
