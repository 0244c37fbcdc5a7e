package io.berth.workspace;

import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

import javax.naming.CommunicationException;
import javax.naming.Context;
import javax.naming.NameNotFoundException;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.directory.Attributes;
import javax.naming.directory.DirContext;
import javax.naming.spi.InitialContextFactory;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Reads a domain's challenge from DNS: the TXT records of {@code _berth-challenge.<domain>}, asked of the configured
 * server (or the system's resolvers) through the JDK's DNS provider, which caches nothing, so a record just created
 * is seen at once. The provider is taken as the service it is, not through {@code InitialContext}: Quarkus disables
 * JNDI lookups as a whole (rightly: a lookup by URL is a way in), and this needs none but DNS.
 */
@ApplicationScoped
public class DnsChallenges {

    /** What the DNS said: the TXT values found (none when the name does not exist or has no TXT record). */
    public record Found(List<String> values) {
    }

    /** DNS did not answer (timeout, refused): not an answer about the record. */
    public static class Unreachable extends Exception {
        Unreachable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Optional<String> server;

    DnsChallenges(DomainsConfig config) {
        this.server = config.dnsServer().filter(s -> !s.isBlank());
    }

    /** Which server is asked, for messages. */
    public String server() {
        return server.orElse("the system's DNS resolvers");
    }

    public Found txt(String name) throws Unreachable {
        Hashtable<String, String> env = new Hashtable<>();
        // Without a provider URL the provider asks the system's resolvers.
        server.ifPresent(s -> env.put(Context.PROVIDER_URL, "dns://" + s));
        env.put("com.sun.jndi.dns.timeout.initial", "1000");
        env.put("com.sun.jndi.dns.timeout.retries", "2");
        DirContext ctx = null;
        try {
            ctx = (DirContext) dnsProvider().getInitialContext(env);
            Attributes attrs = ctx.getAttributes(name + ".", new String[]{"TXT"});
            Attribute txt = attrs.get("TXT");
            List<String> values = new ArrayList<>();
            if (txt != null) {
                NamingEnumeration<?> all = txt.getAll();
                while (all.hasMore()) {
                    values.add(String.valueOf(all.next()));
                }
            }
            return new Found(values);
        } catch (NameNotFoundException e) {
            return new Found(List.of());
        } catch (CommunicationException e) {
            throw new Unreachable("no answer from " + server() + " for " + name, e);
        } catch (NamingException e) {
            throw new Unreachable(server() + " could not answer for " + name + " (" + e.getExplanation() + ")", e);
        } finally {
            if (ctx != null) {
                try {
                    ctx.close();
                } catch (NamingException ignored) {
                    // nothing held open
                }
            }
        }
    }

    private static InitialContextFactory dnsProvider() throws Unreachable {
        return ServiceLoader.load(ModuleLayer.boot(), InitialContextFactory.class).stream()
                .filter(p -> p.type().getName().equals("com.sun.jndi.dns.DnsContextFactory")).findFirst()
                .orElseThrow(() -> new Unreachable("this Java runtime has no DNS provider (module jdk.naming.dns)",
                        null))
                .get();
    }

    /**
     * Whether a TXT value found is the expected one. The JDK joins a record's character strings with spaces (and
     * quotes some); a long value may be split into several strings, so they are compared joined.
     */
    static boolean matches(String found, String expected) {
        return found.replace("\"", "").replace(" ", "").equals(expected);
    }
}
