import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import AccessFormats
import AccessModel
import AccessPolicy

/// Sends one message on one channel; the seam between delivery rules and the network.
package protocol NotificationTransport: Sendable {
    /// Delivers `body`; throws a `DeliveryFailure` saying why not.
    func send(_ body: [UInt8], idempotencyKey: String) throws(DeliveryFailure)
}

/// Why a send failed, in words safe for a CI log (never the webhook's URL).
package struct DeliveryFailure: Error, Sendable {
    package var message: String
    package init(_ message: String) { self.message = message }
}

/// An HTTP POST of JSON with an `Idempotency-Key`; a 2xx answer means delivered.
package struct WebhookTransport: NotificationTransport {
    package var url: URL
    package var timeout: TimeInterval

    /// The URL from the environment variable the settings name; https, or http to this
    /// machine only. Nil with why when it is missing or not allowed.
    package static func make(environment: [String: String], variable: String, timeout: Int) -> Result<WebhookTransport, DeliveryFailure> {
        guard let text = environment[variable], !text.isEmpty else { return .failure(DeliveryFailure("$\(variable) is not set: the webhook's URL comes from the environment")) }
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased() else {
            return .failure(DeliveryFailure("$\(variable) does not hold a URL"))
        }
        let local = ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host)
        guard scheme == "https" || (scheme == "http" && local) else {
            return .failure(DeliveryFailure("$\(variable) must be an https URL (plain http only to this machine)"))
        }
        return .success(WebhookTransport(url: url, timeout: TimeInterval(timeout)))
    }

    package func send(_ body: [UInt8], idempotencyKey: String) throws(DeliveryFailure) {
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.httpBody = Data(body)
        request.setValue("application/json; charset=utf-8", forHTTPHeaderField: "Content-Type")
        request.setValue(idempotencyKey, forHTTPHeaderField: "Idempotency-Key")
        request.setValue("accessctl", forHTTPHeaderField: "User-Agent")
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        let session = URLSession(configuration: .ephemeral)
        let task = session.dataTask(with: request) { _, response, error in
            if let error {
                outcome.set("the webhook did not answer: \((error as NSError).code == NSURLErrorTimedOut ? "timed out after \(Int(timeout)) s" : "connection failed (\((error as NSError).code))")")
            } else if let http = response as? HTTPURLResponse, !(200..<300).contains(http.statusCode) {
                outcome.set("the webhook answered HTTP \(http.statusCode)")
            }
            done.signal()
        }
        task.resume()
        if done.wait(timeout: .now() + timeout + 5) == .timedOut {
            task.cancel()
            outcome.set("the webhook did not answer: timed out after \(Int(timeout)) s")
        }
        session.finishTasksAndInvalidate()
        if let problem = outcome.value { throw DeliveryFailure(problem) }
    }

    /// The one result a URLSession callback hands back, guarded by a lock.
    private final class Outcome: @unchecked Sendable {
        private let lock = NSLock()
        private var problem: String?
        func set(_ text: String) { lock.withLock { if problem == nil { problem = text } } }
        var value: String? { lock.withLock { problem } }
    }
}

/// A sendmail-compatible program, run with an argument array (never a shell), the message on
/// standard input; exit 0 means accepted.
package struct SendmailTransport: NotificationTransport {
    package var command: [String]

    package init(command: [String]) { self.command = command }

    package func send(_ body: [UInt8], idempotencyKey: String) throws(DeliveryFailure) {
        guard let program = command.first, program.hasPrefix("/") else { throw DeliveryFailure("the sendmail command must start with an absolute path") }
        let output: ProcessRunner.Output
        do {
            let folder = try PrivateFolder()
            defer { folder.remove() }
            output = try ProcessRunner.run(program, Array(command.dropFirst()), input: body, in: folder)
        } catch {
            throw DeliveryFailure("cannot run \(program): \(error)")
        }
        guard output.status == 0 else {
            let said = output.standardError.split(separator: "\n").first.map { ": " + String($0).prefix(200) } ?? ""
            throw DeliveryFailure("\(program) exited with \(output.status)\(said)")
        }
    }
}
