/**
 * The {@code javelin} command line (picocli): {@code ir print|verify|dot|run}, {@code compile},
 * {@code train}, {@code demo}, {@code --help}, {@code --version}. User errors end with one clear
 * line and a non-zero status; {@code --debug} shows the stack trace.
 */
package dev.javelin.compiler.cli;
