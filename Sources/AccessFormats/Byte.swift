import Foundation

/// The ASCII bytes the YAML reader looks for, by name.
enum Byte {
    static let lf = UInt8(ascii: "\n")
    static let cr = UInt8(ascii: "\r")
    static let tab = UInt8(ascii: "\t")
    static let space = UInt8(ascii: " ")
    static let dash = UInt8(ascii: "-")
    static let dot = UInt8(ascii: ".")
    static let plus = UInt8(ascii: "+")
    static let hash = UInt8(ascii: "#")
    static let colon = UInt8(ascii: ":")
    static let comma = UInt8(ascii: ",")
    static let question = UInt8(ascii: "?")
    static let percent = UInt8(ascii: "%")
    static let ampersand = UInt8(ascii: "&")
    static let star = UInt8(ascii: "*")
    static let bang = UInt8(ascii: "!")
    static let at = UInt8(ascii: "@")
    static let backtick = UInt8(ascii: "`")
    static let pipe = UInt8(ascii: "|")
    static let greater = UInt8(ascii: ">")
    static let dquote = UInt8(ascii: "\"")
    static let squote = UInt8(ascii: "'")
    static let backslash = UInt8(ascii: "\\")
    static let slash = UInt8(ascii: "/")
    static let lbracket = UInt8(ascii: "[")
    static let rbracket = UInt8(ascii: "]")
    static let lbrace = UInt8(ascii: "{")
    static let rbrace = UInt8(ascii: "}")
}

/// The value of one hexadecimal digit, either case.
package func hexValue(_ b: UInt8) -> UInt32? {
    switch b {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(b - UInt8(ascii: "0"))
    case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(b - UInt8(ascii: "a") + 10)
    case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(b - UInt8(ascii: "A") + 10)
    default: nil
    }
}

func hex2(_ b: UInt8) -> String {
    let digits = Array("0123456789ABCDEF")
    return String([digits[Int(b >> 4)], digits[Int(b & 15)]])
}

func hex4(_ v: UInt32) -> String {
    hex2(UInt8((v >> 8) & 0xFF)) + hex2(UInt8(v & 0xFF))
}

extension String {
    /// Whether the ASCII character occurs: a byte search. With Foundation imported,
    /// `contains("*")` is `NSString`'s search, which showed in profiles wherever it ran per
    /// resource, event or page.
    package func contains(ascii character: Unicode.Scalar) -> Bool {
        precondition(character.isASCII)
        return utf8.contains(UInt8(ascii: character))
    }

    /// Whether `needle`'s UTF-8 bytes occur in this string's: a byte search, where
    /// Foundation's `contains` goes through CFString and costs a lot per manifest on Linux.
    package func containsBytes(_ needle: String) -> Bool {
        var hay = self, pin = needle
        // Over the strings' own bytes, compared with memcmp: copying both into arrays and
        // comparing element by element showed for every decision's signature.
        return hay.withUTF8 { h in
            pin.withUTF8 { p in
                guard p.count > 0 else { return true }
                guard h.count >= p.count, let hb = h.baseAddress, let pb = p.baseAddress else { return false }
                let first = p[0]
                for i in 0...(h.count - p.count) where h[i] == first {
                    if memcmp(hb + i, pb, p.count) == 0 { return true }
                }
                return false
            }
        }
    }
}
