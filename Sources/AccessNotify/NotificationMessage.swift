import Foundation
import AccessFormats
import AccessModel
import AccessLedger

/// The two forms a notification is sent in: Slack-compatible JSON for the webhook and an
/// RFC 5322 message for sendmail. Text from the repository never becomes a header line
/// break or markup: header values lose control characters, Slack text is escaped.
package enum NotificationMessage {
    /// The webhook body: `text` (what chat clients show in a notification) and blocks with
    /// the request, resources, requester, reason, end and a link to the report page.
    package static func slack(_ n: NotificationItem, reportURL: String?) -> [UInt8] {
        var fields: [JSONValue] = []
        func field(_ label: String, _ value: String?) {
            guard let value, !value.isEmpty else { return }
            fields.append(.object([("type", .string("mrkdwn")), ("text", .string("*\(label)*\n\(escaped(value))"))]))
        }
        field("Request", n.request)
        field("Resources", n.resources.joined(separator: ", "))
        field("Requester", n.requester)
        field("Reason", n.reason)
        field("Until", n.until?.description)
        field("For", n.recipient)
        var blocks: [JSONValue] = [
            .object([("type", .string("section")), ("text", .object([("type", .string("mrkdwn")), ("text", .string(escaped(n.text)))]))]),
        ]
        if !fields.isEmpty { blocks.append(.object([("type", .string("section")), ("fields", .array(fields))])) }
        if let link = link(n, reportURL: reportURL) {
            blocks.append(.object([("type", .string("context")), ("elements", .array([
                .object([("type", .string("mrkdwn")), ("text", .string("<\(link)|Open in the access report>"))]),
            ]))]))
        }
        let body = JSONValue.object([("text", .string(n.subject + ": " + n.text)), ("blocks", .array(blocks))])
        return Array(CanonicalJSON.encode(body).utf8)
    }

    /// Slack's three reserved characters in text.
    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    /// The report page of the request (or of the recipient), when the settings give the report's address.
    static func link(_ n: NotificationItem, reportURL: String?) -> String? {
        guard let base = reportURL else { return nil }
        let root = base.hasSuffix("/") ? String(base.dropLast()) : base
        let page = n.request.map { "requests/\($0).html" } ?? "people/\(n.recipient).html"
        return root + "/" + page
    }

    /// An RFC 5322 message in plain text (UTF-8, CRLF line ends), with a Message-ID made from
    /// the item's id: a resend after a crash is recognisably the same message.
    package static func email(_ n: NotificationItem, from: String, to name: String, address: String, organization: String, reportURL: String?) -> [UInt8] {
        let date = Date(timeIntervalSince1970: TimeInterval(n.time.seconds))
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        var headers = [
            "From: \(header(from))",
            "To: \(quoted(name)) <\(header(address))>",
            "Subject: \(header("[\(organization)] " + n.subject))",
            "Date: \(formatter.string(from: date))",
            "Message-ID: <\(n.id)@accessctl.\(header(organization))>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: 8bit",
            "Auto-Submitted: auto-generated",
        ]
        headers.append("X-Accessctl-Notification: \(n.id)")
        var body = [n.text, ""]
        if let request = n.request { body.append("Request:   \(request)") }
        if !n.resources.isEmpty { body.append("Resources: \(n.resources.joined(separator: ", "))") }
        if let requester = n.requester { body.append("Requester: \(requester)") }
        if let reason = n.reason { body.append("Reason:    \(reason)") }
        if let until = n.until { body.append("Until:     \(until)") }
        if let link = link(n, reportURL: reportURL) { body += ["", link] }
        let text = (headers + [""] + body.map { $0.replacingOccurrences(of: "\r", with: "") }).joined(separator: "\r\n") + "\r\n"
        return Array(text.utf8)
    }

    /// A header value on one line: control characters (CR, LF, …) become spaces, so no value
    /// from the repository can add a header.
    static func header(_ value: String) -> String {
        String(String.UnicodeScalarView(value.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : $0 }))
    }

    /// A display name as an RFC 5322 quoted string.
    static func quoted(_ name: String) -> String {
        "\"" + header(name).replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
