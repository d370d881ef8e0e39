import Foundation
import AccessFormats
import AccessModel
import AccessPolicy
import AccessLedger
import AccessReport
import AccessBench

/// The files `accessctl init` writes: a minimal valid tree with comments that explain it.
enum Scaffold {
    static let files: [(String, String)] = [
        ("accessctl.yaml", """
        # Settings of this access tree: exactly one, always at the root as accessctl.yaml.
        apiVersion: accessctl/v1
        kind: Settings
        metadata:
          name: settings
        spec:
          organization: example-org          # part of every signature: change it once, first
          displayName: Example Organization
          signatureNamespace: accessctl      # the ssh-keygen -n namespace of decisions
          reportTitle: Who can reach your data
          resourceTypes:                     # every resource is TYPE:NAME, e.g. account:example
            account:
              actions: [read, write, console]
          durationPresets:
            short: 1h
            standard: 4h

        """),
        ("principals/alex.admin.yaml", """
        # A person who can hold access. sshKeys sign this person's decisions (public keys only).
        apiVersion: accessctl/v1
        kind: Principal
        metadata:
          name: alex.admin                   # equals the file name
        spec:
          displayName: Alex Admin
          email: alex.admin@example.org
          kind: person                       # person or service
          external: false                    # consultants and contractors: true
          roles: [org-admin]
          teams: [customer-example]
          sshKeys: []                        # e.g. - ssh-ed25519 AAAA... alex@laptop

        """),
        ("teams/customer-example.yaml", """
        # A team groups principals (they name it in spec.teams) and owns resources.
        apiVersion: accessctl/v1
        kind: Team
        metadata:
          name: customer-example
        spec:
          displayName: Example Customer
          roles: []                          # roles every member holds

        """),
        ("roles/org-admin.yaml", """
        # A role is a set of rules: actions on resources matching patterns.
        apiVersion: accessctl/v1
        kind: Role
        metadata:
          name: org-admin
        spec:
          description: Administers the organization
          administrator: true                # listed by name in the report
          rules:
            - resources: ["*"]
              actions: ["*"]

        """),
        ("roles/support-readonly.yaml", """
        apiVersion: accessctl/v1
        kind: Role
        metadata:
          name: support-readonly
        spec:
          description: Read customer data to debug a ticket
          rules:
            - resources: ["account:*"]
              actions: [read]

        """),
        ("resources/account/example.yaml", """
        # A resource is referred to as TYPE:NAME (here account:example); its owner team approves.
        apiVersion: accessctl/v1
        kind: Resource
        metadata:
          name: example
        spec:
          type: account
          displayName: Example Customer account
          owner: customer-example

        """),
        ("policies/support-access.yaml", """
        # Who may request what, for how long, and who must approve.
        apiVersion: accessctl/v1
        kind: Policy
        metadata:
          name: support-access
        spec:
          requesters:
            roles: [org-admin]
          resources: ["account:*"]
          roles: [support-readonly]
          maxDuration: 1d
          approvers:
            owner: true                      # members of the resource's owner team
          threshold: 1

        """),
        ("requests/README.md", """
        # Requests

        Each access request is one file here, named after its id. For example
        `requests/fix-login.yaml`:

        ```yaml
        apiVersion: accessctl/v1
        kind: AccessRequest
        metadata:
          name: fix-login
        spec:
          requester: alex.admin
          requestedAt: 2026-11-22T09:00:00Z
          resources: [account:example]
          role: support-readonly
          reason: Customer cannot log in, ticket 1234
          duration: 4h
        ```

        """),
    ]
}
