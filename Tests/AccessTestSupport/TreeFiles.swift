/// The small valid access tree the tests share, as file contents by relative path.
package enum TreeFiles {
    package static let files: [String: String] = [
        "accessctl.yaml": """
            apiVersion: accessctl/v1
            kind: Settings
            metadata:
              name: test
            spec:
              organization: testorg
              displayName: Test Org
              resourceTypes:
                account:
                  actions: [read, admin]
                site:
                  actions: [read, console]

            """,
        "principals/ann.yaml": """
            apiVersion: accessctl/v1
            kind: Principal
            metadata:
              name: ann
            spec:
              displayName: Ann Admin
              email: ann@example.org
              roles: [admin]
              teams: [owners]

            """,
        "principals/sam.yaml": """
            apiVersion: accessctl/v1
            kind: Principal
            metadata:
              name: sam
            spec:
              displayName: Sam Support
              teams: [support]

            """,
        "teams/owners.yaml": """
            apiVersion: accessctl/v1
            kind: Team
            metadata:
              name: owners
            spec:
              displayName: Owners

            """,
        "teams/support.yaml": """
            apiVersion: accessctl/v1
            kind: Team
            metadata:
              name: support
            spec:
              parent: owners

            """,
        "roles/admin.yaml": """
            apiVersion: accessctl/v1
            kind: Role
            metadata:
              name: admin
            spec:
              administrator: true
              rules:
                - resources: ["*"]
                  actions: ["*"]

            """,
        "roles/reader.yaml": """
            apiVersion: accessctl/v1
            kind: Role
            metadata:
              name: reader
            spec:
              rules:
                - resources: ["site:*"]
                  actions: [read]

            """,
        "resources/account/acme.yaml": """
            apiVersion: accessctl/v1
            kind: Resource
            metadata:
              name: acme
            spec:
              type: account
              owner: owners

            """,
        "resources/site/acme-prod.yaml": """
            apiVersion: accessctl/v1
            kind: Resource
            metadata:
              name: acme-prod
            spec:
              type: site
              owner: owners
              parent: account:acme

            """,
        "policies/support.yaml": """
            apiVersion: accessctl/v1
            kind: Policy
            metadata:
              name: support
            spec:
              requesters:
                teams: [support]
              resources: ["site:*"]
              roles: [reader]
              maxDuration: 1d
              approvers:
                owner: true

            """,
        "bindings/ann-admin.yaml": """
            apiVersion: accessctl/v1
            kind: Binding
            metadata:
              name: ann-admin
            spec:
              subjects:
                principals: [ann]
              role: admin
              resources: ["*"]

            """,
        "requests/sam-debug.yaml": """
            apiVersion: accessctl/v1
            kind: AccessRequest
            metadata:
              name: sam-debug
            spec:
              requester: sam
              requestedAt: 2026-11-22T09:00:00Z
              resources: [site:acme-prod]
              role: reader
              reason: Debug ticket 1
              duration: 4h

            """,
    ]

    /// ann and sam with their public keys, and olga, a second owner, with hers: the signers
    /// the decision and reconcile tests share.
    package static func signers(_ publicKeys: [String: String]) -> [String: String?] {
        [
            "principals/ann.yaml": files["principals/ann.yaml"]! + "  sshKeys:\n    - \(publicKeys["ann"]!)\n",
            "principals/sam.yaml": files["principals/sam.yaml"]! + "  sshKeys:\n    - \(publicKeys["sam"]!)\n",
            "principals/olga.yaml": """
                apiVersion: accessctl/v1
                kind: Principal
                metadata:
                  name: olga
                spec:
                  displayName: Olga Owner
                  teams: [owners]
                  sshKeys:
                    - \(publicKeys["olga"]!)

                """,
        ]
    }
}
