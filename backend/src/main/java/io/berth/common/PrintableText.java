package io.berth.common;

/**
 * The rule for every name and text a user (or an admin) gives Berth: it may hold only characters that print.
 * Names end up in kubeconfigs, YAML and JSON other programs parse, pages, CSV statements, e-mails and logs, where a
 * line or paragraph separator (U+2028/U+2029, line breaks to YAML and JavaScript), a bidirectional override, a
 * zero-width character or an unpaired surrogate can end a comment, forge a line, or make two names look alike. So the
 * Unicode categories Cc (controls, which include CR, LF and NEL), Cf (format), Zl, Zp (the separators), Co (private
 * use), Cn (unassigned) and Cs (lone surrogates) are refused outright rather than escaped at each place of use.
 */
public final class PrintableText {

    public static final String NON_PRINTING = "must contain only printing characters (no control, format, line or "
            + "paragraph separator, private-use, unassigned or surrogate characters)";

    private PrintableText() {
    }

    /** Whether a code point does not print (see the class comment for the categories). */
    public static boolean nonPrinting(int codePoint) {
        return switch (Character.getType(codePoint)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                    Character.PRIVATE_USE, Character.UNASSIGNED, Character.SURROGATE ->
                true;
            default -> false;
        };
    }

    /**
     * Whether every code point of {@code s} prints; with {@code lineFeeds} also line feeds, alone or after a carriage
     * return (browsers send a textarea's lines as CRLF).
     */
    public static boolean printable(String s, boolean lineFeeds) {
        String t = lineFeeds ? s.replace("\r\n", "\n") : s;
        return t.codePoints().noneMatch(c -> nonPrinting(c) && !(lineFeeds && c == '\n'));
    }

    /**
     * A name as given, stripped; 400 naming {@code field} when it is blank, longer than {@code max} characters (code
     * points) or holds a character that does not print.
     */
    public static String name(String raw, String field, int max) {
        // Judged before trimming: strip() would quietly drop separators at either end, and a name that came with one
        // is refused wherever in it the character is.
        if (raw != null && !printable(raw, false)) {
            throw ProblemException.badRequest(field, NON_PRINTING);
        }
        if (raw == null || raw.isBlank()) {
            throw ProblemException.badRequest(field, "must not be blank");
        }
        String s = raw.strip();
        if (s.codePointCount(0, s.length()) > max) {
            throw ProblemException.badRequest(field, "must be at most " + max + " characters");
        }
        return s;
    }

    /** {@code s} with every character that does not print dropped: for names Berth makes from others' (usernames). */
    public static String strip(String s) {
        StringBuilder out = new StringBuilder(s.length());
        s.codePoints().filter(c -> !nonPrinting(c)).forEach(out::appendCodePoint);
        return out.toString().strip();
    }
}
