package io.berth.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;

/**
 * Debian's Chromium, headless, driven by Playwright: the system browser (Playwright is told never to download one),
 * a fresh profile per session, screenshots kept under {@code target/screenshots}.
 */
public final class Browser implements AutoCloseable {

    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    public static final Path SCREENSHOTS = Path.of("target/screenshots");

    private final Playwright playwright;

    private Browser() {
        try {
            Files.createDirectories(SCREENSHOTS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        playwright = Playwright.create(new Playwright.CreateOptions()
                .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
    }

    public static Browser start() {
        if (!Files.isExecutable(CHROMIUM)) {
            throw new IllegalStateException("Chromium is missing: apt-get install -y chromium (see .ci/run)");
        }
        return new Browser();
    }

    /** A browser session of one person: its own Chromium with an empty profile, closed (and deleted) after use. */
    public final class Session implements AutoCloseable {
        private final Path profile;
        private final BrowserContext context;
        public final Page page;

        private Session() {
            try {
                profile = Files.createTempDirectory("berth-e2e-chromium-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            context = playwright.chromium().launchPersistentContext(profile,
                    new BrowserType.LaunchPersistentContextOptions().setExecutablePath(CHROMIUM).setHeadless(true)
                            .setArgs(List.of("--headless", "--no-sandbox", "--disable-gpu",
                                    "--disable-dev-shm-usage", "--disable-background-networking",
                                    "--disable-component-update", "--disable-sync", "--no-first-run"))
                            .setViewportSize(1280, 900).setAcceptDownloads(true).setLocale("en-US")
                            .setTimezoneId("UTC"));
            context.setDefaultTimeout(30_000);
            context.setDefaultNavigationTimeout(60_000);
            page = context.pages().isEmpty() ? context.newPage() : context.pages().get(0);
            // Confirmation dialogs (forms with data-confirm) are answered yes, as the user would.
            page.onDialog(d -> d.accept());
        }

        public void screenshot(String name) {
            page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve(name + ".png"))
                    .setFullPage(true));
        }

        @Override
        public void close() {
            try {
                context.close();
            } finally {
                try (var paths = Files.walk(profile)) {
                    paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                } catch (IOException e) {
                    // a leftover temporary profile is harmless
                }
            }
        }
    }

    public Session open() {
        return new Session();
    }

    @Override
    public void close() {
        playwright.close();
    }
}
