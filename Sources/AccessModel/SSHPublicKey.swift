import Foundation
import AccessFormats

/// Checks the shape of an OpenSSH public key line: `TYPE BASE64 [comment]`.
enum SSHPublicKey {
    static let types = [
        "ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
        "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com",
    ]

    /// Why `line` is not a usable public key, or nil. The key blob must name its own type,
    /// which catches keys pasted from the wrong line or truncated.
    static func problem(_ line: String) -> String? {
        if line.contains("\n") { return "a key must be one line" }
        let parts = line.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2 else { return "expected 'TYPE BASE64 [comment]', like 'ssh-ed25519 AAAA... name'" }
        let type = String(parts[0])
        if line.contains("PRIVATE KEY") { return "this is a private key; give the public key (the .pub file)" }
        guard types.contains(type) else {
            return "unsupported key type '\(type)'; expected one of: " + types.joined(separator: ", ")
        }
        guard let blob = Data(base64Encoded: String(parts[1])), blob.count > 4 else {
            return "the key data is not valid base64"
        }
        let bytes = [UInt8](blob)
        let length = Int(bytes[0]) << 24 | Int(bytes[1]) << 16 | Int(bytes[2]) << 8 | Int(bytes[3])
        guard length == type.utf8.count, bytes.count >= 4 + length, String(decoding: bytes[4..<4 + length], as: UTF8.self) == type else {
            return "the key data does not match its type '\(type)'"
        }
        // The blob holds more than its type: an ed25519 key is its type and 32 bytes of key.
        guard bytes.count > 4 + length + 4 else { return "the key data holds only its type, no key" }
        if type == "ssh-ed25519", bytes.count != 4 + length + 4 + 32 { return "an ssh-ed25519 key holds 32 bytes of key data" }
        return nil
    }
}
