import Testing
import AccessTestSupport

@testable import AccessFormats
@testable import AccessModel
@testable import AccessPolicy

/// The loader works out the configuration digest beside validation and the tree keeps it;
/// it must never outlive a change to the configuration entries it was worked out from.
@Suite struct ConfigurationDigestMemoTests {
    static func loaded() -> AccessTree {
        var source = InMemoryTreeSource(files: [:])
        source.files = TreeFiles.files.mapValues { Array($0.utf8) }
        return TreeLoader.load(source, displayRoot: "tree").tree
    }

    @Test func theLoadedTreesDigestIsItsConfigurations() {
        let tree = Self.loaded()
        #expect(!tree.configuration.isEmpty)
        #expect(tree.configurationDigest == ConfigurationEntry.digest(tree.configuration))
    }

    @Test func aKeptDigestIsUsedOnlyForTheEntriesItWasWorkedOutFrom() {
        var tree = Self.loaded()
        let entries = tree.configuration
        // Kept for the same entries: the tree gives it back (so the refusals below are real).
        tree.remember(configurationDigest: "sha256:kept", of: entries)
        #expect(tree.configurationDigest == "sha256:kept")
        // Any change to the entries forgets it.
        var changed = tree
        changed.configuration[0].canonicalSpec = "{}"
        #expect(changed.configurationDigest == ConfigurationEntry.digest(changed.configuration))
        var appended = tree
        appended.configuration.append(ConfigurationEntry(kind: "Team", name: "new", path: "teams/new.yaml", canonicalSpec: "{}"))
        #expect(appended.configurationDigest == ConfigurationEntry.digest(appended.configuration))
        // A digest of entries that are no longer the tree's is not kept.
        var edited = Self.loaded()
        let before = edited.configuration
        edited.configuration[0].canonicalSpec = "{}"
        edited.remember(configurationDigest: "sha256:stale", of: before)
        #expect(edited.configurationDigest == ConfigurationEntry.digest(edited.configuration))
        var equalButRebuilt = Self.loaded()
        equalButRebuilt.remember(configurationDigest: "sha256:other", of: Self.loaded().configuration)
        #expect(equalButRebuilt.configurationDigest != "sha256:other")
    }
}
