import AccessFormats
import AccessModel
import AccessPolicy

/// Why a grant is taken away; each cause has its own audit event, `grant.<cause>`.
package enum RemovalCause: String, Sendable, CaseIterable {
    /// Its window has passed.
    case expired
    /// An approver revoked the request.
    case revoked
    /// The requester gave the access back.
    case relinquished
    /// The request's spec changed after approval, so its approvals no longer count.
    case voided
    /// Its request or binding, or its approval, is gone from the tree.
    case deleted
    /// Its manifest has errors or its approval no longer verifies: fail closed.
    case invalid
    /// `state/grants.json` lists it, but the audit log shows no run ever granted it.
    case drift
    /// Standing access whose review was not signed in time (with `reviews.overdue: remove`).
    case reviewOverdue = "review-overdue"
    /// Standing access a reviewer signed `remove` for.
    case reviewRemoved = "review-removed"
}
