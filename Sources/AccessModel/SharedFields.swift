/// A value type's strings and lists kept in one shared box, copied on the first change (the
/// rule `Array` follows): a run copies each of 100,000 requests, decisions and states several
/// times (into lists, dictionaries, the engine, the report), and a copy is then one reference
/// count instead of one per string and list inside.
///
/// The owning type exposes each field with `_read { yield shared.fields.x }` and
/// `_modify { yield &shared.fields.x }`: a borrow, where a getter would copy the field.
/// Inlinable, so its owners in other modules get it specialized to their fields. One
/// `@dynamicMemberLookup` subscript over key paths would replace the owners' accessors, but
/// read from other modules it built and walked a key path on every read (tried on `Policy`:
/// `swift_getKeyPath` and `swift_getAtKeyPath` took 9% of a `plan`'s samples), so each
/// field keeps its own four-line accessor.
package struct SharedFields<Fields: Sendable>: @unchecked Sendable {
    /// Changed only when the owner holds the only reference, so no thread ever sees a change
    /// it shares; that is what makes the `@unchecked Sendable` above true.
    @usableFromInline final class Box {
        @usableFromInline var fields: Fields

        @inlinable init(_ fields: Fields) { self.fields = fields }
    }

    @usableFromInline var box: Box

    @inlinable package init(_ fields: Fields) { box = Box(fields) }

    @inlinable package var fields: Fields {
        _read { yield box.fields }
        _modify {
            if !isKnownUniquelyReferenced(&box) { box = Box(box.fields) }
            yield &box.fields
        }
    }
}
