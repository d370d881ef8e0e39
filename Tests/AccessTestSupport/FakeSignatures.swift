import Foundation

import AccessFormats
import AccessModel
import AccessPolicy

/// A stand-in for ssh-keygen in logic tests: a "signature" is a SHA-256 over the public key,
/// the namespace and the message, so it verifies only with the key it was made for. It
/// proves nothing cryptographically; it lets the rules around signatures run in memory.
package struct FakeSignatures: SignatureTool {
    /// The public key line of each fake private key path.
    package var keys: [String: String]

    /// Fake keys named `name`, at paths `key/NAME`.
    package init(_ names: [String]) {
        keys = Dictionary(uniqueKeysWithValues: names.map { ("key/\($0)", Self.publicKey($0)) })
    }

    /// A well-formed ssh-ed25519 public key line whose key bytes come from `name`.
    package static func publicKey(_ name: String) -> String {
        let type = Array("ssh-ed25519".utf8)
        var blob: [UInt8] = [0, 0, 0, UInt8(type.count)] + type + [0, 0, 0, 32]
        var hash = SHA256()
        hash.update(Array(name.utf8))
        blob += hash.finalize()
        return "ssh-ed25519 \(Data(blob).base64EncodedString()) \(name)@fake"
    }

    package var isAvailable: Bool { true }

    package func sign(_ message: [UInt8], keyPath: String, namespace: String, environment: [String: String]?) throws -> String {
        guard let key = keys[keyPath] else { throw SigningError(message: "no fake key at \(keyPath)") }
        return Self.armor(key, namespace, message)
    }

    package func verify(_ message: [UInt8], armor: String, signer: String, publicKeys: [String], namespace: String, time: Timestamp) throws -> SignatureVerdict {
        guard !publicKeys.isEmpty else { return .unknownKey }
        let given = SSHKeygen.normalizedArmor(armor)
        return publicKeys.contains { Self.armor($0, namespace, message) == given } ? .good : .bad("signature does not verify")
    }

    private static func armor(_ publicKey: String, _ namespace: String, _ message: [UInt8]) -> String {
        var hash = SHA256()
        hash.update(Array("\(publicKey.split(separator: " ").prefix(2).joined(separator: " "))\n\(namespace)\n".utf8))
        hash.update(message)
        return "-----BEGIN SSH SIGNATURE-----\n\(Data(hash.finalize()).base64EncodedString())\n-----END SSH SIGNATURE-----\n"
    }
}
