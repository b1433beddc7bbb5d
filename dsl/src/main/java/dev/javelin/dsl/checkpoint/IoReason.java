package dev.javelin.dsl.checkpoint;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/** Why a file operation failed, in words a person reads (no Java exception class names). */
public final class IoReason {
    private IoReason() {}

    /**
     * The reason of a failed file operation, such as {@code no such file or folder: /x/y}.
     *
     * @param e the failure
     * @return the reason in words
     */
    public static String of(IOException e) {
        return switch (e) {
            case NoSuchFileException x -> "no such file or folder: " + x.getFile();
            case AccessDeniedException x -> "permission denied: " + x.getFile();
            case FileAlreadyExistsException x -> "already exists: " + x.getFile();
            case NotDirectoryException x -> "not a folder: " + x.getFile();
            case DirectoryNotEmptyException x -> "folder not empty: " + x.getFile();
            case FileSystemException x ->
                (x.getReason() != null ? x.getReason() : "failed") + ": " + x.getFile()
                        + (x.getOtherFile() != null ? " -> " + x.getOtherFile() : "");
            default -> e.getMessage() != null ? e.getMessage() : "an I/O error";
        };
    }
}
