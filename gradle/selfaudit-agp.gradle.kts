// selfaudit with the Android Gradle Plugin's variant API (AGP 7.x/8.x, Kotlin DSL).
//
// Paste into the app module's build.gradle.kts (a script plugin applied with `apply(from = …)`
// cannot see AGP's classes). For each release variant it registers selfaudit<Variant>, which
// scans the APK directory AGP produces (SingleArtifact.APK: the APK(s) + output-metadata.json,
// so no APK file name is hard-coded), passes R8's mapping when the variant is minified, writes
// build/reports/selfaudit/<variant>/selfaudit.{json,sarif,html}, and fails the build on findings
// at or above -Pselfaudit.failOn (default: the config's fail_on, else high). It runs after
// assemble<Variant> (finalizedBy); to run it from `check` instead, replace the last statement
// with: tasks.named("check") { dependsOn(audit) }.
//
// Written against AGP's documented variant API (android/gradle-recipes); selfaudit's own tests
// exercise the Groovy script plugin on Gradle 4.4 (no AGP there), not this snippet.

import com.android.build.api.artifact.SingleArtifact
import com.android.build.api.variant.CanMinifyCode

val selfauditExecutable = providers.gradleProperty("selfaudit.executable").getOrElse("selfaudit")
val selfauditFormats = providers.gradleProperty("selfaudit.formats").getOrElse("json,sarif,html")
val selfauditFailOn = providers.gradleProperty("selfaudit.failOn").orNull

androidComponents {
    onVariants(selector().withBuildType("release")) { variant ->
        val suffix = variant.name.replaceFirstChar { it.uppercase() }
        val apkDir = variant.artifacts.get(SingleArtifact.APK)
        val reportDir = layout.buildDirectory.dir("reports/selfaudit/${variant.name}")
        val minified = (variant as? CanMinifyCode)?.isMinifyEnabled == true
        val mapping = variant.artifacts.get(SingleArtifact.OBFUSCATION_MAPPING_FILE)

        val audit = tasks.register<Exec>("selfaudit$suffix") {
            group = "verification"
            description = "Audits the ${variant.name} APK for privacy red lines with selfaudit"
            inputs.dir(apkDir).withPropertyName("apk")
            if (minified) inputs.files(mapping).optional().withPropertyName("mapping")
            inputs.property("selfaudit", listOf(selfauditExecutable, selfauditFormats, selfauditFailOn.orEmpty()))
            outputs.dir(reportDir)
            val command = selfauditExecutable.split(" ").filter { it.isNotBlank() }
            executable = command.first()
            argumentProviders.add(CommandLineArgumentProvider {
                command.drop(1) + listOf(
                    "scan", apkDir.get().asFile.path,
                    "--format", selfauditFormats,
                    "--output", reportDir.get().asFile.path,
                    "--no-color", "--no-progress",
                ) + (selfauditFailOn?.let { listOf("--fail-on", it) } ?: emptyList()) +
                    (if (minified) listOf("--mapping", mapping.get().asFile.path) else emptyList())
            })
        }
        tasks.matching { it.name == "assemble$suffix" }.configureEach { finalizedBy(audit) }
    }
}
