package io.berth;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaPackage;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import io.berth.common.OwnsTables;
import io.berth.common.ReadsForeignTables;

/**
 * The backend's structure, held to what docs/architecture.md and docs/development.md say: the feature packages form
 * layers with no cycle, and each table is its owner's alone (only the owner names it in SQL or touches its entities;
 * {@link ReadsForeignTables} marks the few set-based reads of another's tables).
 */
@AnalyzeClasses(packages = "io.berth", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    private static final String BERTH = "io.berth.";
    private static final String TEST_SUPPORT = "io.berth.testing";

    @ArchTest
    static final ArchRule featurePackagesFormNoCycle = slices().matching("io.berth.(*)..").should()
            .beFreeOfCycles();

    /** Each layer uses only the layers below it (docs/architecture.md draws them). */
    @ArchTest
    static final ArchRule featuresAreLayered = layeredArchitecture().consideringOnlyDependenciesInLayers()
            .layer("web").definedBy("io.berth.web..")
            .layer("admin").definedBy("io.berth.admin..")
            .layer("billing").definedBy("io.berth.billing..")
            .layer("token").definedBy("io.berth.token..")
            .layer("route").definedBy("io.berth.route..")
            .layer("workspace").definedBy("io.berth.workspace..")
            .layer("plan").definedBy("io.berth.plan..")
            .layer("access").definedBy("io.berth.access..")
            .layer("cluster").definedBy("io.berth.cluster..")
            .layer("common").definedBy("io.berth.common..")
            .whereLayer("web").mayNotBeAccessedByAnyLayer()
            .whereLayer("admin").mayOnlyBeAccessedByLayers("web")
            .whereLayer("billing").mayOnlyBeAccessedByLayers("admin", "web")
            .whereLayer("token").mayOnlyBeAccessedByLayers("admin", "web")
            .whereLayer("route").mayOnlyBeAccessedByLayers("web")
            .whereLayer("workspace").mayOnlyBeAccessedByLayers("route", "billing", "admin", "web")
            .whereLayer("plan").mayOnlyBeAccessedByLayers("workspace", "billing", "admin", "web")
            .whereLayer("access").mayOnlyBeAccessedByLayers("workspace", "route", "token", "billing", "admin", "web")
            .whereLayer("cluster").mayOnlyBeAccessedByLayers("access", "workspace", "route");

    /** An entity handed to another package may be read; loading, saving or changing it is its package's alone. */
    @ArchTest
    static void onlyItsPackageLoadsSavesOrChangesAnEntity(JavaClasses classes) {
        for (JavaClass entity : classes.that(describe("entities", c -> c.isAnnotatedWith(Entity.class)))) {
            noClasses().that().resideOutsideOfPackage(entity.getPackageName())
                    .should().callCodeUnitWhere(describe("a method of " + entity.getSimpleName(),
                            (JavaAccess<?> call) -> call.getTargetOwner().equals(entity)))
                    .orShould().setFieldWhere(describe("a field of " + entity.getSimpleName(),
                            access -> access.getTargetOwner().equals(entity)))
                    .because("the " + entity.getSimpleName() + " entity is " + entity.getPackageName() + "'s")
                    .check(classes);
        }
    }

    @ArchTest
    static void everyTableHasOneOwnerAndEveryEntityIsOnItsOwnersTable(JavaClasses classes) {
        Map<String, String> owners = owners(classes);
        Set<String> created = createdTables();
        assertThat(owners.keySet()).as("tables and views owned (@OwnsTables) = those the migrations create")
                .containsExactlyInAnyOrderElementsOf(created);
        for (JavaClass entity : classes.that(describe("entities", c -> c.isAnnotatedWith(Entity.class)))) {
            String table = entity.getAnnotationOfType(Table.class).name();
            assertThat(owners.get(table)).as(entity.getName() + " maps " + table).isEqualTo(feature(entity));
        }
    }

    /**
     * Only a table's owner names it in SQL, and only its owner's HQL names its entities; a class that reads another
     * package's tables set-based says which and why ({@link ReadsForeignTables}), and never writes them.
     */
    @ArchTest
    static void onlyItsOwnerQueriesATable(JavaClasses classes) {
        Map<String, String> tables = owners(classes);
        Map<String, String> entities = new HashMap<>();
        for (JavaClass entity : classes.that(describe("entities", c -> c.isAnnotatedWith(Entity.class)))) {
            entities.put(entity.getSimpleName(), feature(entity));
        }
        List<String> violations = new ArrayList<>();
        for (JavaClass c : classes.that(describe("top-level classes", JavaClass::isTopLevelClass))) {
            String text = sourceOf(c);
            if (text == null) {
                // dev/test-support's classes are on the classpath but are not the backend's; a backend class without
                // its source (the test run from another directory) would leave its SQL and HQL unchecked
                if (!c.getPackageName().startsWith(TEST_SUPPORT)) {
                    violations.add(c.getName() + " has no source under src/main/java, so its SQL and HQL go unchecked");
                }
                continue;
            }
            Set<String> allowed = new TreeSet<>();
            c.tryGetAnnotationOfType(ReadsForeignTables.class).ifPresent(r -> allowed.addAll(List.of(r.value())));
            Set<String> read = new TreeSet<>();
            for (String table : named(SQL_TABLE, text)) {
                String owner = tables.get(table);
                if (owner != null && !owner.equals(feature(c))) {
                    read.add(table);
                    if (!allowed.contains(table)) {
                        violations.add(c.getName() + " names " + owner + "'s table " + table);
                    }
                }
            }
            for (String table : named(SQL_WRITE, text)) {
                String owner = tables.get(table);
                if (owner != null && !owner.equals(feature(c))) {
                    violations.add(c.getName() + " writes " + owner + "'s table " + table);
                }
            }
            for (String entity : named(HQL_ENTITY, text)) {
                String owner = entities.get(entity);
                if (owner != null && !owner.equals(feature(c))) {
                    violations.add(c.getName() + " queries " + owner + "'s entity " + entity);
                }
            }
            for (String table : allowed) {
                if (!read.contains(table)) {
                    violations.add(c.getName() + " says it reads " + table + ", a table of its own or one it "
                            + "does not read");
                }
            }
        }
        assertThat(violations).isEmpty();
    }

    private static final Pattern SQL_TABLE = Pattern
            .compile("(?i)\\b(?:from|join|into|update|table)\\s+([a-z][a-z0-9_]*)\\b");
    private static final Pattern SQL_WRITE = Pattern
            .compile("(?i)\\b(?:insert\\s+into|update|delete\\s+from)\\s+([a-z][a-z0-9_]*)\\b");
    private static final Pattern HQL_ENTITY = Pattern.compile("\\b(?i:from|join|update)\\s+([A-Z][A-Za-z0-9]*)\\b");
    private static final Pattern CREATE = Pattern.compile(
            "(?i)\\bcreate\\s+(?:unlogged\\s+)?(table|view)\\s+(?:if\\s+not\\s+exists\\s+)?([a-z][a-z0-9_]*)"
                    + "(\\s+partition\\s+of)?");
    private static final Pattern COMMENTS = Pattern.compile("(?s)/\\*.*?\\*/|//[^\\n]*");

    /** Table or view name → the feature package that owns it, from the packages' {@link OwnsTables}. */
    private static Map<String, String> owners(JavaClasses classes) {
        Map<String, String> owners = new HashMap<>();
        for (JavaPackage p : classes.getPackage("io.berth").getSubpackages()) {
            p.tryGetAnnotationOfType(OwnsTables.class).ifPresent(owned -> {
                for (String table : owned.value()) {
                    assertThat(owners.put(table, p.getRelativeName())).as(table + " has one owner").isNull();
                }
            });
        }
        return owners;
    }

    /** Every table and view the migrations create, but the partitions of partitioned tables. */
    private static Set<String> createdTables() {
        Set<String> tables = new TreeSet<>();
        Path migrations = Path.of(System.getProperty("berth.root", "..")).resolve("db/migrations");
        try (Stream<Path> files = Files.list(migrations)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".sql")).toList()) {
                Matcher m = CREATE.matcher(COMMENTS.matcher(Files.readString(f).replaceAll("--[^\\n]*", ""))
                        .replaceAll(""));
                while (m.find()) {
                    if (m.group(3) == null) {
                        tables.add(m.group(2));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return tables;
    }

    private static String feature(JavaClass c) {
        String rest = c.getPackageName().substring(BERTH.length());
        return rest.contains(".") ? rest.substring(0, rest.indexOf('.')) : rest;
    }

    /** The class's source without comments (nested classes are in their top-level class's file). */
    private static String sourceOf(JavaClass c) {
        Path file = Path.of("src/main/java").resolve(c.getName().replace('.', '/') + ".java");
        if (!Files.exists(file)) {
            return null;
        }
        try {
            return COMMENTS.matcher(Files.readString(file)).replaceAll("");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Set<String> named(Pattern pattern, String text) {
        Set<String> names = new TreeSet<>();
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }
}
