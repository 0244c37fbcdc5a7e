package io.berth.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PrintableTextTest {

    /** One character of each refused category: Cc, Cf, Zl, Zp, Co, Cn, Cs, and every Unicode line break. */
    static final String[] NON_PRINTING = {"\u0000", "\t", "\n", "\r", "\u000B", "\u000C", "\u0085", "\u007F",
            "\u00AD", "\u200B", "\u200D", "\u202E", "\u2066", "\uFEFF", "\u2028", "\u2029", "\uE000",
            new String(Character.toChars(0xF0000)), "\u0378", new String(Character.toChars(0xE0001)), "\uD800",
            "\uDC00"};

    @Test
    void everyNonPrintingCategoryIsRefusedAnywhereInANameNamingTheField() {
        for (String c : NON_PRINTING) {
            for (String name : new String[]{"a" + c + "b", c + "ab", "ab" + c}) {
                assertThatThrownBy(() -> PrintableText.name(name, "displayName", 63))
                        .as("U+%04X", name.codePoints().filter(PrintableText::nonPrinting).findFirst().orElse(-1))
                        .isInstanceOfSatisfying(ProblemException.class, e -> {
                            assertThat(e.problem().status()).isEqualTo(400);
                            assertThat(e.problem().errors().get(0).field()).isEqualTo("displayName");
                            assertThat(e.problem().errors().get(0).message()).isEqualTo(PrintableText.NON_PRINTING);
                        });
            }
        }
    }

    @Test
    void lettersOfEveryScriptSymbolsEmojiAndSpacesPrint() {
        assertThat(PrintableText.name("  Ünïcødé ✓ 日本語 العربية 😀 a\u00A0b ---: #&*!|>'\"%@` ", "n", 63))
                .isEqualTo("Ünïcødé ✓ 日本語 العربية 😀 a\u00A0b ---: #&*!|>'\"%@`");
    }

    @Test
    void textMayHoldLineFeedsButNoOtherBreak() {
        assertThat(PrintableText.printable("a\u2028b", true)).isFalse();
        assertThat(PrintableText.printable("a\rb", true)).isFalse();
        assertThat(PrintableText.printable("a\nb", true)).isTrue();
        assertThat(PrintableText.printable("a\r\nb", true)).isTrue();
        assertThat(PrintableText.printable("a\r\u2028b", true)).isFalse();
        assertThat(PrintableText.printable("a\nb", false)).isFalse();
    }

    @Test
    void blankAndTooLongAreRefusedByCharactersNotUtf16Units() {
        assertThatThrownBy(() -> PrintableText.name("   ", "n", 5)).hasMessage("must not be blank");
        assertThatThrownBy(() -> PrintableText.name(null, "n", 5)).hasMessage("must not be blank");
        assertThatThrownBy(() -> PrintableText.name("abcdef", "n", 5)).hasMessage("must be at most 5 characters");
        assertThat(PrintableText.name("😀😀😀😀😀", "n", 5)).isEqualTo("😀😀😀😀😀");
    }

    @Test
    void stripDropsWhatDoesNotPrint() {
        assertThat(PrintableText.strip("an\u2028a\u0000\u202e ")).isEqualTo("ana");
    }
}
