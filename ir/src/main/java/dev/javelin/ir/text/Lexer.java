package dev.javelin.ir.text;

import java.util.ArrayList;
import java.util.List;

/** Splits IR text into tokens with 1-based positions; {@code //} comments and whitespace are dropped. */
final class Lexer {
    enum Kind {
        IDENT, // graph, output, mnemonics, dtypes, attribute names, symbols, true/false/nan/inf
        NAME, // %name
        NUMBER, // -12, 3.5e-3, -inf
        STRING, // "File.java"
        PUNCT, // { } ( ) [ ] , = : @
        EOF
    }

    record Token(Kind kind, String text, int line, int column) {
        String describe() {
            return switch (kind) {
                case EOF -> "the end of the input";
                case NAME -> "'%" + text + "'";
                case STRING -> "\"" + text + "\"";
                default -> "'" + text + "'";
            };
        }
    }

    private final String text;
    private final String source;
    private int pos;
    private int line = 1;
    private int lineStart;

    private Lexer(String text, String source) {
        this.text = text;
        this.source = source;
    }

    static List<Token> tokens(String text, String source) {
        Lexer lx = new Lexer(text, source);
        List<Token> out = new ArrayList<>();
        Token t;
        do {
            t = lx.next();
            out.add(t);
        } while (t.kind() != Kind.EOF);
        return out;
    }

    private ParseException error(int l, int col, String detail) {
        return new ParseException(source, text, l, col, detail);
    }

    /**
     * Control characters (NUL, ESC, DEL, ...) never belong in IR text, not even in a comment or a
     * string: they are the mark of a binary or corrupt file. Tab, line feed and carriage return are
     * whitespace.
     */
    static boolean isForbidden(char c) {
        return Character.isISOControl(c) && c != '\t' && c != '\n' && c != '\r';
    }

    static String forbiddenDetail(char c) {
        return String.format("control character U+%04X%s is not allowed in IR text", (int) c, c == 0 ? " (NUL)" : "");
    }

    /** Fails at {@code pos} if the character there is a control character. */
    private void checkAllowed() {
        if (isForbidden(text.charAt(pos))) {
            throw error(line, pos - lineStart + 1, forbiddenDetail(text.charAt(pos)));
        }
    }

    private Token next() {
        skipSpaceAndComments();
        int col = pos - lineStart + 1;
        if (pos >= text.length()) {
            return new Token(Kind.EOF, "", line, col);
        }
        char c = text.charAt(pos);
        if (c == '%') {
            int start = ++pos;
            while (pos < text.length() && isNameChar(text.charAt(pos))) {
                pos++;
            }
            if (pos == start) {
                throw error(line, col, "expected a value name after '%', found " + found());
            }
            return new Token(Kind.NAME, text.substring(start, pos), line, col);
        }
        if (c == '"') {
            int start = ++pos;
            while (pos < text.length() && text.charAt(pos) != '"' && text.charAt(pos) != '\n') {
                checkAllowed();
                pos++;
            }
            if (pos >= text.length() || text.charAt(pos) != '"') {
                throw error(line, col, "unterminated string: expected a closing '\"' on the same line");
            }
            return new Token(Kind.STRING, text.substring(start, pos++), line, col);
        }
        if (isDigit(c)
                || ((c == '-' || c == '+')
                        && pos + 1 < text.length()
                        && (isDigit(text.charAt(pos + 1))
                                || text.charAt(pos + 1) == '.'
                                || text.startsWith("inf", pos + 1)))) {
            return number(col);
        }
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_') {
            int start = pos;
            while (pos < text.length() && isNameChar(text.charAt(pos))) {
                pos++;
            }
            return new Token(Kind.IDENT, text.substring(start, pos), line, col);
        }
        if ("{}()[],=:@".indexOf(c) >= 0) {
            pos++;
            return new Token(Kind.PUNCT, String.valueOf(c), line, col);
        }
        throw error(line, col, "unexpected character " + found());
    }

    private Token number(int col) {
        int start = pos;
        if (text.charAt(pos) == '-' || text.charAt(pos) == '+') {
            pos++;
        }
        if (text.startsWith("inf", pos)) {
            pos += 3;
        } else {
            while (pos < text.length()
                    && (isNameChar(text.charAt(pos))
                            || ((text.charAt(pos) == '-' || text.charAt(pos) == '+')
                                    && (text.charAt(pos - 1) == 'e' || text.charAt(pos - 1) == 'E')))) {
                pos++;
            }
        }
        return new Token(Kind.NUMBER, text.substring(start, pos), line, col);
    }

    private String found() {
        if (pos >= text.length()) {
            return "the end of the input";
        }
        int cp = text.codePointAt(pos);
        if (isForbidden(text.charAt(pos))) {
            return String.format("control character U+%04X", cp);
        }
        if (cp == '\n') {
            return "a line break";
        }
        // invisible non-ASCII characters (a byte-order mark, a zero-width or no-break space) by their code point
        int type = Character.getType(cp);
        if (cp > 0x7F
                && (Character.isWhitespace(cp) || type == Character.FORMAT || type == Character.SPACE_SEPARATOR)) {
            return String.format("U+%04X (an invisible character%s)", cp, cp == 0xFEFF ? ": a byte-order mark" : "");
        }
        return "'" + new String(Character.toChars(cp)) + "'";
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isNameChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || isDigit(c) || c == '_' || c == '.';
    }

    private void skipSpaceAndComments() {
        while (pos < text.length()) {
            checkAllowed();
            char c = text.charAt(pos);
            if (c == '\n') {
                pos++;
                line++;
                lineStart = pos;
            } else if (Character.isWhitespace(c)) {
                pos++;
            } else if (c == '/' && pos + 1 < text.length() && text.charAt(pos + 1) == '/') {
                while (pos < text.length() && text.charAt(pos) != '\n') {
                    checkAllowed();
                    pos++;
                }
            } else {
                return;
            }
        }
    }
}
