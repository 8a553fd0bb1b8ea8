import Foundation
import PackagePlugin

/// Embeds the shipped `.syncignore` and every file under `templates/` into
/// NanerCore as Swift string literals, so `make install` copies one binary.
@main
struct EmbedResourcesPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let root = context.package.directoryURL
        let syncignore = root.appendingPathComponent(".syncignore")
        let templates = root.appendingPathComponent("templates")
        let templateFiles = (FileManager.default.enumerator(at: templates, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL }
            .filter { !$0.hasDirectoryPath } ?? [])
            .sorted { $0.path < $1.path }
        let output = context.pluginWorkDirectoryURL.appendingPathComponent("EmbeddedResources.swift")
        return [
            .buildCommand(
                displayName: "Embedding .syncignore and templates/",
                executable: try context.tool(named: "EmbedResources").url,
                arguments: [output.path, root.path, syncignore.path] + templateFiles.map(\.path),
                inputFiles: [syncignore] + templateFiles,
                outputFiles: [output]
            ),
        ]
    }
}
